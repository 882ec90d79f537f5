"""Eight people answering at once, fifty times each, against a real server on 127.0.0.1:
no response lost, none stored twice, tallies exact (SQLite and PostgreSQL)."""

import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from portal.models import SurveyResponse, SurveyTally
from tests.survey_helpers import answer_form, receipt_for

SUBMITTERS = 8
EACH = 50


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(url: str, form: dict) -> int:
    opener = urllib.request.build_opener(_NoRedirect)
    data = urllib.parse.urlencode(form).encode()
    try:
        with opener.open(urllib.request.Request(url, data=data, method="POST"), timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def test_concurrent_submitters_lose_nothing_and_duplicate_nothing(
    live_server, clean_app, survey_id, ctx
):
    base = answer_form(clean_app, survey_id, score="3")
    url = f"{live_server}/surveys/ssfr-test"

    def submitter(n: int) -> list[int]:
        receipts = [receipt_for(clean_app, survey_id, f"s{n}-{i}") for i in range(EACH)]
        return [_post(url, {**base, "receipt": receipt}) for receipt in receipts]

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        statuses = [s for batch in pool.map(submitter, range(SUBMITTERS)) for s in batch]
    assert statuses.count(303) == SUBMITTERS * EACH, sorted(set(statuses))

    # The same form sent by several threads at the same moment is stored once.
    barrier = threading.Barrier(SUBMITTERS)
    one_form = receipt_for(clean_app, survey_id, "one-form")

    def duplicate(_):
        barrier.wait()
        return _post(url, {**base, "receipt": one_form})

    with ThreadPoolExecutor(SUBMITTERS) as pool:
        dup_statuses = list(pool.map(duplicate, range(SUBMITTERS)))
    assert dup_statuses.count(303) == 1, dup_statuses

    total = SUBMITTERS * EACH + 1
    with ctx() as session:
        assert session.query(SurveyResponse).count() == total
        items = {row.item_id for row in session.query(SurveyTally)}
        for item_id in items:
            counted = sum(
                row.count for row in session.query(SurveyTally).filter_by(item_id=item_id)
            )
            assert counted == total
