"""The logins `make run` prints for the demo province (`cqo.portal.demo.build_demo`'s
``logins``): the browser sweep walks each, the homes test opens each one's home."""

from __future__ import annotations

LOGINS = [
    "admin",
    "security",
    "auditor",
    "prov",
    "xian",
    "baoji",
    "yanta",
    "weibin",
    "jiangsu",
    "suzhou",
    "changshu",
    "fin",
    "nanshan",
    "szit",
    "clerk",
    "clerk2",
    "szclerk",
    "cqo",
    "newcqo",
    "selfcqo",
    "cqo2",
    "trainer",
    "certifier",
    "expert",
    "expert2",
]
