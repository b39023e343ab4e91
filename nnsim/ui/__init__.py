"""Views: one widget per module, drawing Snapshots and forwarding user intent."""
