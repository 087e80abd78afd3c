"""Domain events: the outbox, its relay to RabbitMQ, and the nameko handler decorator."""
