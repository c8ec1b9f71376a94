"""Use cases. Each takes plain values, changes and commits, and raises DomainError.

Services never emit: the socket and view layers publish what changed.
"""
