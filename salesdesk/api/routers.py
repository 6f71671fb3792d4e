"""Resource routers are added here by each module."""
