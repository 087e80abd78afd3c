from crm_shared.migrations import run_env
from notification_service.models import Base

run_env(Base.metadata)
