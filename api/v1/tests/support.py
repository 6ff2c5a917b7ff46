"""Test support for /v1: a JSON client wrapper and the problem+json assertion."""

import json

from core.testing import problem  # noqa: F401 - re-exported for the /v1 tests


class Api:
    """A thin JSON wrapper around a Django test Client carrying an API key."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **params):
        return self.client.get(path, params or None)

    def post(self, path, body=None, **headers):
        data = json.dumps(body) if body is not None else ""
        return self.client.post(path, data, content_type="application/json", headers=headers)

    def patch(self, path, body, **headers):
        return self.client.patch(
            path, json.dumps(body), content_type="application/json", headers=headers
        )

    def delete(self, path):
        return self.client.delete(path)

    # Objects, created the way a client would.

    def challenge(self, **fields):
        response = self.post("/v1/challenges", {"title": "A challenge", **fields})
        assert response.status_code == 201, response.content
        return response.json()

    def open_challenge(self, **fields):
        challenge = self.challenge(**fields)
        response = self.post(f"/v1/challenges/{challenge['id']}/publish")
        assert response.status_code == 200, response.content
        return response.json()

    def application(self, challenge_id, email="ada@example.com", **fields):
        response = self.post(
            f"/v1/challenges/{challenge_id}/applications",
            {"applicant": {"name": "Ada", "email": email}, "pitch": "Me.", **fields},
        )
        assert response.status_code == 201, response.content
        return response.json()

    def accepted_application(self, challenge_id, email="ada@example.com"):
        application = self.application(challenge_id, email)
        for action in ("shortlist", "accept"):
            response = self.post(f"/v1/applications/{application['id']}/{action}")
            assert response.status_code == 200, response.content
        return response.json()

    def one_of_each(self, *, rating: int = 5) -> dict[str, str]:
        """A challenge, an accepted application, a message, a review and the latest event; their
        ids by prefix (``chl``, ``app``, ``msg``, ``rev``, ``evt``)."""
        challenge = self.open_challenge()
        application = self.accepted_application(challenge["id"])
        message = self.post(
            f"/v1/applications/{application['id']}/messages", {"author": "applicant", "body": "Hi"}
        ).json()
        review = self.post(
            "/v1/reviews", {"application": application["id"], "rating": rating}
        ).json()
        event = self.get("/v1/events", limit=1).json()["data"][0]
        return {
            "chl": challenge["id"],
            "app": application["id"],
            "msg": message["id"],
            "rev": review["id"],
            "evt": event["id"],
        }
