"""Work that must wait for a session's outermost transaction to end (after its commit, or not at
all when it rolls back): the page cache's version bumps and the task queue's enqueues."""

from collections.abc import Callable

from sqlalchemy import event


def on_outermost_end(target, callback: Callable) -> None:
    """Call `callback(session, committed)` when a session of `target` (a Session class or a
    scoped session) ends its outermost transaction. SQLAlchemy's after_commit also fires when
    a savepoint is released, so it cannot say this alone: it only marks that a commit happened,
    and a savepoint's end consumes its own mark."""
    mark = f"committed:{id(callback)}"

    @event.listens_for(target, "after_commit")
    def _committed(session):
        session.info[mark] = True

    @event.listens_for(target, "after_transaction_end")
    def _ended(session, transaction):
        committed = session.info.pop(mark, False)
        if transaction.nested or transaction.parent is not None:
            return  # a savepoint: its changes wait for the outer transaction
        callback(session, committed)
