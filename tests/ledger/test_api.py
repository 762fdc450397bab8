"""The public API and pages of the hour log: no login, proofs that verify against the signed
checkpoint, and 422 with the field named for anything outside the tree."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cqo.ledger import merkle, note, services
from tests.ledger.helpers import entries_for, leaf_hashes_of

pytestmark = pytest.mark.django_db

API = "/api/v1/ledger"


@pytest.fixture
def client() -> Client:
    return Client()  # anonymous: nothing here needs a login


@pytest.fixture
def log() -> list[bytes]:
    entries = entries_for(300)
    services.append_many(entries)
    return entries


def field_of(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    return {d["field"] for d in response.json()["detail"]}


def test_it_serves_the_latest_checkpoint_as_json_and_as_a_note(
    client: Client, log: list[bytes]
) -> None:
    data = client.get(f"{API}/checkpoint").json()
    root = merkle.root(leaf_hashes_of(log))
    assert (data["size"], note.b64decode(data["root"])) == (300, root)
    text = note.open_note(data["note"], note.parse_vkey(services.public_vkey()))
    assert note.parse_checkpoint(text).root == root
    plain = client.get(f"{API}/checkpoint.txt")
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("text/plain")
    assert plain.content.decode() == data["note"]


def test_it_signs_a_new_checkpoint_when_the_log_grows(client: Client, log: list[bytes]) -> None:
    assert client.get(f"{API}/checkpoint").json()["size"] == 300
    services.append(b"one more")
    assert client.get(f"{API}/checkpoint").json()["size"] == 301


def test_it_serves_an_empty_log(client: Client) -> None:
    data = client.get(f"{API}/checkpoint").json()
    assert data["size"] == 0 and note.b64decode(data["root"]) == merkle.EMPTY_ROOT
    assert client.get(f"{API}/entries/0").status_code == 404  # not yet in the log


def test_it_serves_an_entry(client: Client, log: list[bytes]) -> None:
    data = client.get(f"{API}/entries/17").json()
    assert data["index"] == 17
    assert note.b64decode(data["entry"]) == b"entry-17"
    assert note.b64decode(data["leaf_hash"]) == merkle.leaf_hash(b"entry-17")
    assert client.get(f"{API}/entries/300").status_code == 404
    assert field_of(client.get(f"{API}/entries/-1")) == {"index"}
    assert field_of(client.get(f"{API}/entries/{2**70}")) == {"index"}
    assert client.get(f"{API}/entries/abc").status_code == 422


def test_its_inclusion_proofs_verify_against_the_signed_root(
    client: Client, log: list[bytes]
) -> None:
    client.get(f"{API}/checkpoint")
    hashes = leaf_hashes_of(log)
    for index, size in [(0, 1), (17, 300), (299, 300), (100, 257)]:
        data = client.get(f"{API}/proofs/inclusion", {"index": index, "size": size}).json()
        proof = [note.b64decode(x) for x in data["hashes"]]
        leaf = note.b64decode(data["leaf_hash"])
        assert leaf == hashes[index]
        assert merkle.verify_inclusion(index, size, leaf, proof, merkle.root(hashes[:size]))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"index": 5, "size": 301}, "size"),
        ({"index": 300, "size": 300}, "index"),
        ({"index": 5, "size": 5}, "index"),
        ({"index": -1, "size": 5}, "index"),
        ({"index": 5, "size": 0}, "size"),
        ({"index": 5}, "size"),
        ({"index": "x", "size": 5}, "index"),
        ({"index": 5, "size": 2**64}, "size"),
    ],
)
def test_it_refuses_inclusion_proofs_outside_the_tree(
    client: Client, log: list[bytes], params: dict[str, Any], field: str
) -> None:
    assert field in field_of(client.get(f"{API}/proofs/inclusion", params))


def test_its_consistency_proofs_verify_between_checkpoints(
    client: Client, log: list[bytes]
) -> None:
    hashes = leaf_hashes_of(log)
    for first, second in [(1, 300), (100, 257), (256, 300), (300, 300)]:
        response = client.get(f"{API}/proofs/consistency", {"from": first, "to": second})
        data = response.json()
        assert (data["from"], data["to"]) == (first, second)
        proof = [note.b64decode(x) for x in data["hashes"]]
        assert merkle.verify_consistency(
            first, second, merkle.root(hashes[:first]), merkle.root(hashes[:second]), proof
        )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": 5, "to": 301}, "to"),
        ({"from": 6, "to": 5}, "from"),
        ({"from": 0, "to": 5}, "from"),
        ({"to": 5}, "from"),
        ({"from": "a", "to": 5}, "from"),
    ],
)
def test_it_refuses_consistency_proofs_outside_the_tree(
    client: Client, log: list[bytes], params: dict[str, Any], field: str
) -> None:
    assert field in field_of(client.get(f"{API}/proofs/consistency", params))


def test_it_publishes_its_key(client: Client) -> None:
    data = client.get(f"{API}/key").json()
    assert data["vkey"] == services.public_vkey()
    verifier = note.parse_vkey(data["vkey"])
    assert note.b64decode(data["public_key"]) == verifier.public_key
    assert data["key_id"] == verifier.key_id.hex()
    assert data["name"] == "cqo-platform.local/hours" and data["algorithm"] == "Ed25519"


# Pages ------------------------------------------------------------------------------------


def test_the_log_page_shows_the_checkpoint_and_key_without_login(
    client: Client, log: list[bytes]
) -> None:
    page = client.get("/ledger/")
    assert page.status_code == 200
    html = page.content.decode()
    assert services.public_vkey() in html
    assert '<td id="tree-size">300</td>' in html
    assert merkle.root(leaf_hashes_of(log)).hex() in html


def test_the_verify_page_checks_a_pasted_bundle(client: Client, log: list[bytes]) -> None:
    assert client.get("/ledger/verify/").status_code == 200
    bundle = services.bundle(42)
    bundle["opening"] = {"salt": "ab", "fields": {"name": "张三"}}
    page = client.post("/ledger/verify/", {"bundle": json.dumps(bundle, ensure_ascii=False)})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="verify-result"' in html and "border-success" in html
    assert "entry-42" in html and "张三" in html


def test_the_verify_page_checks_an_uploaded_bundle(client: Client, log: list[bytes]) -> None:
    upload = SimpleUploadedFile("hour-proof.json", json.dumps(services.bundle(7)).encode())
    html = client.post("/ledger/verify/", {"bundle_file": upload}).content.decode()
    assert "border-success" in html


def test_the_verify_page_refuses_a_tampered_bundle(client: Client, log: list[bytes]) -> None:
    bundle = services.bundle(42)
    bundle["entry"] = note.b64(b"entry-43")
    html = client.post("/ledger/verify/", {"bundle": json.dumps(bundle)}).content.decode()
    assert "border-danger" in html and "not_included" not in html
    assert "inclusion proof does not lead" in html


@pytest.mark.parametrize(
    ("data", "error_id"),
    [
        ({"bundle": "{not json"}, "error-bundle"),
        ({"bundle": ""}, "alert-danger"),
        ({"bundle_file": SimpleUploadedFile("x.json", b"\xff\xfe\x00")}, "error-bundle_file"),
    ],
)
def test_the_verify_page_shows_input_errors_beside_the_field(
    client: Client, data: dict[str, Any], error_id: str
) -> None:
    page = client.post("/ledger/verify/", data)
    assert page.status_code == 200
    html = page.content.decode()
    assert error_id in html and 'id="verify-result"' not in html


def test_the_admin_shows_the_log_and_changes_nothing(
    client: Client, log: list[bytes], personas: Any
) -> None:
    services.checkpoint()
    client.force_login(personas.admin)
    for model in ("ledgerentry", "ledgernode", "checkpoint"):
        assert client.get(f"/admin/ledger/{model}/").status_code == 200
        assert client.get(f"/admin/ledger/{model}/add/").status_code == 403
    page = client.get("/admin/ledger/ledgerentry/5/change/")
    assert page.status_code == 200 and "entry-5" in page.content.decode()
    assert client.post("/admin/ledger/ledgerentry/5/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/ledger/ledgerentry/5/change/", {"entry": "x"}).status_code == 403


def test_the_verify_page_limits_checks_per_address(
    client: Client, log: list[bytes], settings: Any
) -> None:
    # one budget with the public certificate lookups (CQO_PUBLIC_VERIFY_RATE)
    settings.CQO_PUBLIC_VERIFY_RATE = "2/m"
    data = {"bundle": json.dumps(services.bundle(7))}
    assert [client.post("/ledger/verify/", data).status_code for _ in range(2)] == [200, 200]
    page = client.post("/ledger/verify/", data)
    assert page.status_code == 429 and "查验次数已达上限" in page.content.decode()
    assert client.get("/ledger/verify/").status_code == 200  # the empty form is not a check
    other = Client(REMOTE_ADDR="203.0.113.9").post("/ledger/verify/", data)
    assert other.status_code == 200
