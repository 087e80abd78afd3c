"""The customer service."""

# Every write of a customer keeps its share of the KPI rollup up to date (mapper events there),
# whichever module is imported first. Not from models.py, as the ticket service does: the rollup
# reads the lifecycle stages of customer_service.classification, which imports the models.
from customer_service import kpi_rollup  # noqa: F401
