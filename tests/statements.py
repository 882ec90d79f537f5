"""Count the SQL statements a request runs: the statement budgets of the public pages."""

from contextlib import contextmanager

from sqlalchemy import event

from portal.extensions import db


@contextmanager
def counted(app):
    """Yield a list that receives every SQL statement run on the app's engine inside the block
    (the text of each), from any session or connection."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def tally(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", tally)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", tally)


def statements_for(app, client, path: str, **kwargs) -> list[str]:
    """The statements one GET of `path` runs, after one warm-up GET (first-request caches)."""
    client.get(path, **kwargs)
    with counted(app) as seen:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return seen
