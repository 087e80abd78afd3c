"""The staff web console of the CRM suite (Flask + Jinja2 + htmx + ECharts)."""
