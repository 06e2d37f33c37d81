"""The "Report a problem" link: a new-issue form of the site's repository, pre-filled.

Knows the new-issue addresses of GitHub, Codeberg/Gitea/Forgejo (``/issues/new?title=&body=``)
and GitLab (``/-/issues/new?issue[title]=&issue[description]=``); any other host gets the
GitHub form, which most forges accept. Browsers and forges refuse very long addresses, so a
body that would make the address longer than ``MAX_URL_LENGTH`` is cut, and says so.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

MAX_URL_LENGTH = 7000  # GitHub answers 414 from about 8 KB
CUT_NOTE = "\n\n(cut short to fit in a link; the whole record is in the repository)"


def report_url(repository_url: str | None, title: str, body: str) -> str | None:
    """The address of a new issue titled ``title`` holding ``body``; None without a repository."""
    if not repository_url:
        return None
    base = repository_url.rstrip("/").removesuffix(".git")
    if "gitlab" in (urlsplit(base).hostname or ""):
        start, title_field, body_field = f"{base}/-/issues/new?", "issue[title]", "issue[description]"
    else:
        start, title_field, body_field = f"{base}/issues/new?", "title", "body"
    prefix = f"{start}{quote(title_field)}={quote(title, safe='')}&{quote(body_field)}="
    encoded = quote(body, safe="")
    if len(prefix) + len(encoded) > MAX_URL_LENGTH:
        room = MAX_URL_LENGTH - len(prefix) - len(quote(CUT_NOTE, safe=""))
        while len(encoded) > room and body:
            body = body[: max(0, len(body) - max(1, (len(encoded) - room) // 3))]
            encoded = quote(body, safe="")
        encoded = quote(body + CUT_NOTE, safe="")
    return prefix + encoded


def paper_report(repository_url: str | None, paper_id: str, record_yaml: str) -> str | None:
    body = (f"The record `{paper_id}` (content/papers/{paper_id}.yaml) looks wrong.\n\n"
            "What is wrong, and what should it say?\n\n\n"
            f"The record as published:\n\n```yaml\n{record_yaml.rstrip()}\n```\n")
    return report_url(repository_url, f"Problem with {paper_id}", body)


def person_report(repository_url: str | None, person_id: str, name: str, variants: list[str],
                  paper_ids: tuple[str, ...]) -> str | None:
    spellings = f" (also printed as {', '.join(variants)})" if variants else ""
    listed = "\n".join(f"- {paper_id}" for paper_id in paper_ids)
    body = (f"The author page `{person_id}`, {name}{spellings}, looks wrong (a missing or wrong paper, "
            "two people mixed up, one person split in two, a wrong name...).\n\n"
            f"What is wrong, and what should it say?\n\n\nIts papers:\n\n{listed}\n")
    return report_url(repository_url, f"Problem with author {person_id}", body)
