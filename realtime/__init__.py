"""Live updates: typed events published by the services after their commit, delivered to the
consultation pages over WebSockets (see README.md). ``realtime.publish_on_commit`` is the one
entry point for the services."""


def __getattr__(name):
    if name == "publish_on_commit":
        from .events import publish_on_commit

        return publish_on_commit
    raise AttributeError(name)
