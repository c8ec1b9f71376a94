"""Real-time plumbing: who is connected, room names, snapshots and publishing."""
