#!/usr/bin/env python3
"""Counts the PostgreSQL statements of one learner's journey, request by request.

    Benchmarks/journey/statements.py --port P --login L --password W --log FILE [--journeys N]

Drives the journey of journey.c (dashboard, module page, quiz start page, start, answer page, save, summary, submit,
result) for one signed-in learner, one request at a time, against a node whose database logs every statement
(`log_statement = all`, see statements.sh). Between two requests it reads how far the server's log grew, so every
statement logged while a request ran is counted for it (a node's background work, if any ran meanwhile, too).
Prints a Markdown table: statements per request and per attempt, averaged over N journeys, and the most frequent
statements of an attempt.
"""
import argparse
import collections
import html.parser
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

MODULE = "/courses/info-literacy/modules/finding-information"
QUIZ = "/courses/info-literacy/quizzes/practice-finding-information"
REQUESTS = ["dashboard", "module page", "quiz start page", "start", "answer page", "save", "summary", "submit",
            "result"]


class Form(html.parser.HTMLParser):
    """The fields a browser sends for the form whose action is `action`: hidden fields and, when `answer`, a valid
    answer for every question field (as journey.c's fill_form)."""

    def __init__(self, action, answer):
        super().__init__()
        self.action, self.answer, self.inside, self.found = action, answer, False, False
        self.fields, self.choices, self.select, self.select_index = [], set(), None, 0

    def handle_starttag(self, tag, attributes):
        a = dict(attributes)
        if tag == "form":
            self.inside = a.get("action") == self.action
            self.found = self.found or self.inside
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "hidden":
                self.fields.append((name, a.get("value", "")))
            elif not self.answer or kind in ("submit", "button"):
                pass
            elif kind in ("radio", "checkbox"):
                if name not in self.choices:
                    self.choices.add(name)
                    self.fields.append((name, a.get("value", "")))
            else:
                numeric = kind == "number" or a.get("inputmode") in ("decimal", "numeric")
                self.fields.append((name, "20" if numeric else "政府信息公开条例"))
        elif tag == "textarea" and name and self.answer:
            self.fields.append((name, "依法办事，便民高效。"))
        elif tag == "select" and name and self.answer:
            self.select = (name, [])
        elif tag == "option" and self.select is not None and a.get("value"):
            self.select[1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            name, options = self.select
            if options:
                self.fields.append((name, options[self.select_index % len(options)]))
            self.select_index += 1
            self.select = None


def form(page, action, answer=False):
    parser = Form(action, answer)
    parser.feed(page)
    if not parser.found:
        sys.exit(f"error: no form with action {action}")
    return parser.fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *arguments):
        return None


def main():
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--port", type=int, required=True)
    options.add_argument("--login", required=True)
    options.add_argument("--password", required=True)
    options.add_argument("--log", required=True, help="the PostgreSQL server's log file")
    options.add_argument("--journeys", type=int, default=20)
    arguments = options.parse_args()
    base = f"http://127.0.0.1:{arguments.port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(path, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with opener.open(base + path, data=data) as response:
                return response.status, response.read().decode(), None
        except urllib.error.HTTPError as error:
            if error.code in (302, 303):
                return error.code, "", error.headers["Location"]
            sys.exit(f"error: {path}: status {error.code}")

    log = open(arguments.log, "rb")
    log.seek(0, 2)
    statement = re.compile(rb"LOG:  (?:statement|execute [^:]*): (.*)")

    def statements():
        """The statements logged since the last call (each one's first line, numbers and strings left as they are)."""
        found = []
        for line in log.read().splitlines():
            match = statement.search(line)
            if match:
                found.append(" ".join(match.group(1).decode(errors="replace").split()))
        return found

    _, page, _ = request("/login")
    status, _, location = request("/login", form(page, "/login") + [("login", arguments.login),
                                                                     ("password", arguments.password)])
    if location != "/":
        sys.exit(f"error: signing in answered {status} to {location}")
    statements()

    per_request = collections.defaultdict(int)
    texts = collections.Counter()
    for _ in range(arguments.journeys):
        def step(name, path, fields=None, expect=None):
            status, page, location = request(path, fields)
            found = statements()
            per_request[name] += len(found)
            texts.update(text[:110] for text in found)
            if expect and not (location or "").startswith(expect):
                sys.exit(f"error: {name}: status {status}, redirected to {location}")
            return page, location

        step("dashboard", "/")
        step("module page", MODULE)
        page, _ = step("quiz start page", QUIZ)
        _, attempt = step("start", f"{QUIZ}/attempts", form(page, f"{QUIZ}/attempts"), expect="/attempts/")
        page, _ = step("answer page", attempt)
        step("save", f"{attempt}/save", form(page, f"{attempt}/save", answer=True) + [("go", "finish")], expect=attempt)
        page, _ = step("summary", f"{attempt}/summary")
        step("submit", f"{attempt}/submit", form(page, f"{attempt}/submit"), expect=attempt)
        step("result", f"{attempt}/result")

    n = arguments.journeys
    print(f"Statements per request, one learner, average of {n} attempts:\n")
    print("| request | statements |\n|---|---:|")
    for name in REQUESTS:
        print(f"| {name} | {per_request[name] / n:.1f} |")
    print(f"| **attempt** | **{sum(per_request.values()) / n:.1f}** |\n")
    print("The most frequent statements, per attempt:\n")
    print("| per attempt | statement (start) |\n|---:|---|")
    for text, count in texts.most_common(40):
        print(f"| {count / n:.1f} | `{text.replace('|', '¦')}` |")


if __name__ == "__main__":
    main()
