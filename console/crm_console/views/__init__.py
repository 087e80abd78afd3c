"""The console's pages, one module per area. A module defines ``blueprint`` (registered by
:func:`crm_console.app.create_app`) and, for the sidebar, ``NAV`` (:class:`NavItem` entries)."""
