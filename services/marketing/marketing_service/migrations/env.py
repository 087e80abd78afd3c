from crm_shared.migrations import run_env
from marketing_service.models import Base

run_env(Base.metadata)
