"""Merkle tree hashing and proofs of RFC 9162 §2.1 (Certificate Transparency 2.0), as pure
functions over bytes. No Django: the offline verifier and anyone else can use this file alone.

- leaf hash ``SHA-256(0x00 ‖ entry)``, interior node ``SHA-256(0x01 ‖ left ‖ right)``;
- the Merkle Tree Hash of n > 1 leaves splits at k, the largest power of two smaller than n;
  the hash of the empty tree is ``SHA-256()``;
- inclusion proofs (§2.1.3.1) and consistency proofs (§2.1.4.1), and their verification
  (§2.1.3.2, §2.1.4.2).

A proof is a list of hashes of subtrees ``[start, end)`` of the tree. ``inclusion_ranges`` and
``consistency_ranges`` name those subtrees; the caller hashes them from wherever the tree is
stored (a list in memory here, the database's stored subtrees in ``cqo.ledger.selectors``).
Every such range is made of *complete* subtrees — ``2**level`` leaves starting at a multiple
of ``2**level``, named ``(level, index)`` — which never change once their leaves exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


class ProofError(ValueError):
    """A proof that does not verify, or arguments no proof can exist for."""


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1: MTH({d(0)}) = HASH(0x00 || d(0))."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n]))."""
    return _sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n > 1): where the tree of n leaves splits."""
    if n < 2:
        raise ValueError("a tree of fewer than two leaves does not split")
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of the leaves whose hashes are given.

    Level by level, an unpaired last node moves up unchanged: this is the same tree as the
    recursive definition (the left subtree of every split is complete), without recursion.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    sha = _sha256
    while len(level) > 1:
        paired = [
            sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def complete_levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Every complete subtree of the leaves, by level: ``levels[l][j]`` is the hash of leaves
    ``[j * 2**l, (j + 1) * 2**l)``; an unpaired last node has no parent here."""
    levels = [list(leaf_hashes)]
    sha = _sha256
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append(
            [sha(b"\x01" + below[i] + below[i + 1]).digest() for i in range(0, len(below) - 1, 2)]
        )
    return levels


def subtrees(start: int, end: int) -> list[tuple[int, int]]:
    """The complete subtrees ``(level, index)`` that make up the leaves ``[start, end)``, left
    to right, largest first.

    For the ranges of a proof and for ``[0, n)`` the sizes strictly decrease (``start`` is a
    multiple of a power of two at least ``end - start``), so the range's hash is the right fold
    ``node(h1, node(h2, ... hk))`` of these subtrees: see ``fold``.
    """
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        level = (end - pos).bit_length() - 1
        if pos:
            level = min(level, (pos & -pos).bit_length() - 1)
        out.append((level, pos >> level))
        pos += 1 << level
    return out


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine the hashes of the complete subtrees of a range (see ``subtrees``) into its hash."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The subtrees ``[start, end)`` whose hashes form PATH(index, D[0:size]) (RFC 9162
    §2.1.3.1), in proof order: the leaf's sibling first, the root's other child last."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    out: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            start += k
    out.reverse()
    return out


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The subtrees whose hashes form PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1).

    Defined for 0 < first <= second; ``first == second`` gives the empty proof.
    """
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    out: list[tuple[int, int]] = []
    m, start, end, whole = first, 0, second, True
    # SUBPROOF(m, D[start:end], whole), unrolled: each step appends one sibling and descends.
    while True:
        n = end - start
        if m == n:
            if not whole:
                out.append((start, end))
            break
        k = split_point(n)
        if m <= k:
            out.append((start + k, end))
            end = start + k
        else:
            out.append((start, start + k))
            m -= k
            start += k
            whole = False
    out.reverse()
    return out


def range_hashes(
    ranges: Sequence[tuple[int, int]], subtree_hash: Callable[[int, int], bytes]
) -> list[bytes]:
    """Hash each range from the hashes of its complete subtrees, ``subtree_hash(level, index)``."""
    return [fold([subtree_hash(level, i) for level, i in subtrees(s, e)]) for s, e in ranges]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[0:n]) over the leaf hashes of a tree held in memory."""
    return [root(leaf_hashes[s:e]) for s, e in inclusion_ranges(index, len(leaf_hashes))]


def consistency_proof(first: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(first, D[0:n]) over the leaf hashes of a tree held in memory."""
    return [root(leaf_hashes[s:e]) for s, e in consistency_ranges(first, len(leaf_hashes))]


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` makes of the leaf hash at ``index`` in a tree of ``size`` leaves
    (RFC 9162 §2.1.3.2, steps 1-5 without the final comparison)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hashes([leaf, *proof])
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show the leaf hash at ``index`` in the tree of
    ``size`` leaves whose root is ``root_hash``?"""
    try:
        return root_from_inclusion_proof(index, size, leaf, proof) == root_hash
    except ProofError:
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``second`` leaves with root ``second_root`` an
    extension of the tree of ``first`` leaves with root ``first_root``?

    ``first == second`` holds with the empty proof when the roots are equal.
    """
    if not 0 < first <= second:
        return False
    try:
        _check_hashes([first_root, second_root, *proof])
    except ProofError:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False  # step 1
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)  # step 2: first is an exact power of two
    fn, sn = first - 1, second - 1  # step 3
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # step 5
    for c in path[1:]:  # step 6
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0  # step 7


def _check_hashes(hashes: Sequence[bytes]) -> None:
    for h in hashes:
        if not isinstance(h, bytes | bytearray) or len(h) != HASH_SIZE:
            raise ProofError("every hash must be 32 bytes")
