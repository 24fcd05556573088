"""Method (e): a language model behind an OpenAI-compatible chat-completions endpoint the user names, used only when
asked. Prompts are files in data/prompts/. Every answer is checked against the concept schemes: a value outside
them is rejected and reported, never stored; an answer that is not JSON or names no known concept, a timeout or an
HTTP error stops the run before anything is written, naming the mitigation."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from ..errors import UserError
from ..resources import resource_dir
from .axes import AXES
from .proposals import Proposal

VERSION = "1"
KEY_ENV = "AIRM_LLM_API_KEY"
MAX_ANSWER_BYTES = 1_000_000


class LLMError(UserError):
    """The model's endpoint could not give a usable answer for a mitigation."""


def _prompt(name: str) -> str:
    return (resource_dir("data") / "prompts" / name).read_text(encoding="utf-8")


class LLMClient:
    def __init__(self, endpoint: str, model: str, *, timeout: float = 30.0, key_env: str = KEY_ENV):
        if not endpoint.startswith(("http://", "https://")):
            raise UserError(f"--llm-endpoint {endpoint!r} is not an http(s) URL",
                            hint="e.g. --llm-endpoint http://127.0.0.1:8080/v1")
        if timeout <= 0:
            raise UserError("--llm-timeout must be a positive number of seconds")
        self.url = endpoint.rstrip("/")
        if not self.url.endswith("/chat/completions"):
            self.url += "/chat/completions"
        self.model, self.timeout = model, timeout
        self.key = os.environ.get(key_env)
        self.system, self.template = _prompt("classify-system.txt"), _prompt("classify-user.txt")

    def classify(self, m, axes: list[str], schemes) -> tuple[list[Proposal], list[str]]:
        """Proposals for ``m`` on ``axes`` and the rejected values (as messages)."""
        choices = "\n".join(f"- {axis}: " + "; ".join(f"{c.code or c.iri} = {c.label}"
                                                       for c in schemes.by_axis[axis].values()) for axis in axes)
        user = self.template.format(ident=m.ident, label=m.label, text=m.text or "(none)", choices=choices)
        answer = self._ask(m, user)
        return self._check(m, axes, schemes, answer)

    def _ask(self, m, user: str) -> dict:
        body = json.dumps({"model": self.model, "temperature": 0, "response_format": {"type": "json_object"},
                           "messages": [{"role": "system", "content": self.system},
                                        {"role": "user", "content": user}]}).encode()
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        where = f"mitigation {m.ident}: the language model at {self.url}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the user's URL)
                raw = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as e:
            raise LLMError(f"{where} answered HTTP {e.code} {e.reason}", hint="check the endpoint, model and key "
                           f"(${KEY_ENV}); nothing was written") from None
        except (TimeoutError, OSError) as e:  # URLError is an OSError; socket timeouts too
            reason = getattr(e, "reason", e)
            raise LLMError(f"{where} did not answer within {self.timeout:g} s ({reason})" if "timed out" in str(reason)
                           else f"{where} cannot be reached: {reason}",
                           hint="check the URL, or raise --llm-timeout; nothing was written") from None
        if len(raw) > MAX_ANSWER_BYTES:
            raise LLMError(f"{where} sent more than {MAX_ANSWER_BYTES:,} bytes", hint="nothing was written")
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
            answer = json.loads(content)
            if not isinstance(answer, dict):
                raise ValueError("not a JSON object")
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise LLMError(f"{where} gave an answer that is not the JSON object asked for ({e})",
                           hint="use a model that follows the prompt in data/prompts/; nothing was written") from None
        return answer

    def _check(self, m, axes, schemes, answer: dict):
        found, rejected = [], []
        rationale = str(answer.get("rationale") or "").strip() or "The language model gave no reason."
        try:
            confidence = min(max(float(answer.get("confidence", 0.5)), 0.0), 1.0)
        except (TypeError, ValueError):
            confidence = 0.5
        for axis in axes:
            given = answer.get(axis, [])
            for code in given if isinstance(given, list) else [given]:
                concept = schemes.by_code(axis, str(code))
                if concept is None:
                    rejected.append(f"mitigation {m.ident}: the language model proposed {code!r} for {axis}, "
                                    "which is not a concept of that scheme (not stored)")
                    continue
                found.append(Proposal(m.iri, axis, concept.iri, "llm", f"{self.model}/prompt v{VERSION}",
                                      round(confidence, 3), f"{rationale} (language model {self.model})"))
        if not found:
            raise LLMError(f"mitigation {m.ident}: the language model at {self.url} named no known concept for "
                           f"{', '.join(axes)}", hint="nothing was written; see the rejected values above" if
                           rejected else "nothing was written")
        return _first_per_single_axis(found), rejected


def _first_per_single_axis(found: list[Proposal]) -> list[Proposal]:
    out, seen = [], set()
    for p in found:
        if not AXES[p.axis].multi and p.axis in seen:
            continue
        seen.add(p.axis)
        if p.key() not in {q.key() for q in out}:
            out.append(p)
    return out
