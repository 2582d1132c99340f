"""Operations: the worker's heartbeat and the `/healthz` endpoint for load balancers and service managers."""
