"""gRPC: one server bootstrap, one client channel factory, one set of interceptors."""
