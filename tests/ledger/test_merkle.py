"""RFC 9162 §2.1 hashing and proofs (cqo/ledger/merkle.py), checked against a naive
implementation written here from the RFC's text, the RFC 6962 test vectors and vectors derived
for this log, for every tree size up to 300."""

from __future__ import annotations

import hashlib
import random

import pytest

from cqo.ledger import merkle
from tests.ledger.helpers import leaf_hashes_of, memory_subtree

h = bytes.fromhex

# The leaves and roots of the RFC 6962 test data (certificate-transparency, also used by
# transparency-dev/merkle): MTH of the first n leaves.
RFC_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
RFC_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Derived for this log with the naive MTH below: entries b"cqo-ledger-<i>", i = 0, 1, …
DERIVED_ROOTS = {
    3: "bd5fd88cecadb6c21b263445de173671871fdeea7356e78b834d1178617aa4ba",
    257: "ae36abf56ab8b1e9ce63c301136b6d8bc1bb030ca50f9e367e5bb97856102a18",
    1000: "9c0c05522010389ae9eb99fcc8303b6bea80f2eb3229e0e8b8fd56b232cf8b96",
}
DERIVED_PATH_300_OF_1000 = [
    "516fa307e9814d8971470d898147bcef3eddcd2a001ab5b451136f2097d51830",
    "51adc9f14ae5ad636d1695a483acbb8cff7a2a1cc0120fef0c272b209fcb6f19",
    "b24a4af85d4f24a880257879886b612bf6f5b58257c027ee60e4395e8e8da68e",
]


# A naive implementation, straight from RFC 9162 §2.1 ---------------------------------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256().digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + naive_mth(d[:k]) + naive_mth(d[k:])).digest()


def naive_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*naive_path(m, d[:k]), naive_mth(d[k:])]
    return [*naive_path(m - k, d[k:]), naive_mth(d[:k])]


def naive_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [naive_mth(d)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, d[:k], b), naive_mth(d[k:])]
    return [*naive_subproof(m - k, d[k:], False), naive_mth(d[:k])]


def naive_proof(m: int, d: list[bytes]) -> list[bytes]:
    return naive_subproof(m, d, True)


ENTRIES = [f"cqo-ledger-{i}".encode() for i in range(1000)]
HASHES = leaf_hashes_of(ENTRIES)
SUBTREE = memory_subtree(HASHES[:300])
rng = random.Random(9162)  # noqa: S311  (reproducible test data)


def _sample(values: range, k: int) -> list[int]:
    values = list(values)
    if len(values) <= k:
        return values
    return sorted({values[0], values[-1], *rng.sample(values, k - 2)})


# Hashing -----------------------------------------------------------------------------------


def test_it_hashes_leaves_and_nodes_with_the_rfc_prefixes() -> None:
    assert merkle.leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert (
        merkle.node_hash(b"L" * 32, b"R" * 32)
        == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )
    assert merkle.root([]) == hashlib.sha256(b"").digest() == merkle.EMPTY_ROOT


def test_it_matches_the_rfc_6962_test_vectors() -> None:
    leaves = leaf_hashes_of([h(x) for x in RFC_LEAVES])
    for n in range(1, 9):
        assert merkle.root(leaves[:n]).hex() == RFC_ROOTS[n - 1]
    # the audit path of leaf 5 in the tree of 8, and consistency proofs 6 → 8 and 2 → 5
    assert [x.hex() for x in merkle.inclusion_proof(5, leaves)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [x.hex() for x in merkle.consistency_proof(6, leaves)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [x.hex() for x in merkle.consistency_proof(2, leaves[:5])] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ]


def test_it_matches_the_derived_vectors() -> None:
    for n, root in DERIVED_ROOTS.items():
        assert merkle.root(HASHES[:n]).hex() == root
        assert naive_mth(ENTRIES[:n]).hex() == root
    path = merkle.inclusion_proof(300, HASHES)
    assert [x.hex() for x in path[:3]] == DERIVED_PATH_300_OF_1000
    assert len(path) == 10


def test_it_computes_the_naive_root_for_every_size_up_to_300() -> None:
    for n in range(0, 301):
        assert merkle.root(HASHES[:n]) == naive_mth(ENTRIES[:n]), n


def test_it_splits_at_the_largest_power_of_two_below_n() -> None:
    assert [merkle.split_point(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]
    with pytest.raises(ValueError):
        merkle.split_point(1)


def test_it_decomposes_ranges_into_complete_subtrees() -> None:
    assert merkle.subtrees(0, 7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.subtrees(8, 13) == [(2, 2), (0, 12)]
    assert merkle.subtrees(0, 0) == []
    levels = merkle.complete_levels(HASHES[:300])
    for end in range(1, 301):
        parts = [levels[lv][i] for lv, i in merkle.subtrees(0, end)]
        assert merkle.fold(parts) == merkle.root(HASHES[:end])


# Inclusion ---------------------------------------------------------------------------------


def test_it_verifies_the_inclusion_of_every_leaf_in_every_tree_up_to_300() -> None:
    for n in range(1, 301):
        root = merkle.root(HASHES[:n])
        for i in range(n):
            proof = merkle.range_hashes(merkle.inclusion_ranges(i, n), SUBTREE)
            assert merkle.verify_inclusion(i, n, HASHES[i], proof, root), (i, n)


def test_it_builds_the_same_inclusion_proofs_as_the_naive_implementation() -> None:
    for n in range(1, 301):
        for i in _sample(range(n), 6):
            expected = naive_path(i, ENTRIES[:n])
            assert merkle.inclusion_proof(i, HASHES[:n]) == expected, (i, n)
            assert merkle.range_hashes(merkle.inclusion_ranges(i, n), SUBTREE) == expected


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9, 64, 255, 256, 257, 300])
def test_it_rejects_a_wrong_leaf_index_size_root_or_path(n: int) -> None:
    root = merkle.root(HASHES[:n])
    for i in _sample(range(n), 8):
        proof = merkle.inclusion_proof(i, HASHES[:n])
        assert merkle.verify_inclusion(i, n, HASHES[i], proof, root)
        assert not merkle.verify_inclusion(i, n, HASHES[n], proof, root)  # another leaf
        assert not merkle.verify_inclusion(i, n, HASHES[i], proof, merkle.root(HASHES[: n + 1]))
        if n > 1:
            assert not merkle.verify_inclusion((i + 1) % n, n, HASHES[i], proof, root)
            assert not merkle.verify_inclusion(i, n, HASHES[i], proof[:-1], root)  # too short
            bent = bytearray(proof[0])
            bent[0] ^= 1
            assert not merkle.verify_inclusion(i, n, HASHES[i], [bytes(bent), *proof[1:]], root)
            if proof != proof[::-1]:
                assert not merkle.verify_inclusion(i, n, HASHES[i], proof[::-1], root)
        assert not merkle.verify_inclusion(i, n, HASHES[i], [*proof, root], root)  # too long
    assert not merkle.verify_inclusion(n, n, HASHES[n], [], root)  # beyond the tree
    assert not merkle.verify_inclusion(-1, n, HASHES[0], [], root)
    assert not merkle.verify_inclusion(0, n, b"short", [], root)


def test_it_refuses_to_build_a_proof_outside_the_tree() -> None:
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_ranges(3, 3)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_ranges(0, 3)
    with pytest.raises(merkle.ProofError):
        merkle.consistency_ranges(4, 3)
    with pytest.raises(merkle.ProofError):
        merkle.root_from_inclusion_proof(0, 2, HASHES[0], [b"x"])


# Consistency -------------------------------------------------------------------------------


def test_it_verifies_consistency_between_every_pair_of_sizes_up_to_300() -> None:
    roots = [merkle.root(HASHES[:n]) for n in range(301)]
    for n in range(1, 301):
        for m in range(1, n + 1):
            proof = merkle.range_hashes(merkle.consistency_ranges(m, n), SUBTREE)
            assert merkle.verify_consistency(m, n, roots[m], roots[n], proof), (m, n)


def test_it_builds_the_same_consistency_proofs_as_the_naive_implementation() -> None:
    for n in range(1, 301):
        for m in _sample(range(1, n + 1), 6):
            expected = naive_proof(m, ENTRIES[:n])
            assert merkle.consistency_proof(m, HASHES[:n]) == expected, (m, n)


@pytest.mark.parametrize("n", [2, 3, 5, 8, 9, 100, 256, 257, 300])
def test_it_rejects_inconsistent_trees_and_bent_proofs(n: int) -> None:
    root_n = merkle.root(HASHES[:n])
    forked = list(HASHES[:n])
    for m in _sample(range(1, n), 8):
        root_m = merkle.root(HASHES[:m])
        proof = merkle.consistency_proof(m, HASHES[:n])
        assert merkle.verify_consistency(m, n, root_m, root_n, proof)
        assert not merkle.verify_consistency(m, n, root_m, root_n, proof[:-1])
        assert not merkle.verify_consistency(m, n, root_m, root_n, [*proof, root_n])
        assert not merkle.verify_consistency(m, n, root_n, root_n, proof)
        # a log that rewrote leaf m - 1 after signing the tree of m leaves
        forked[m - 1] = merkle.leaf_hash(b"rewritten")
        forged = merkle.consistency_proof(m, forked)
        assert not merkle.verify_consistency(m, n, root_m, merkle.root(forked), forged)
        forked[m - 1] = HASHES[m - 1]
    assert merkle.verify_consistency(n, n, root_n, root_n, [])
    assert not merkle.verify_consistency(n, n, root_n, root_n, [root_n])
    assert not merkle.verify_consistency(0, n, merkle.EMPTY_ROOT, root_n, [])
    assert not merkle.verify_consistency(1, n, HASHES[0], root_n, [])
