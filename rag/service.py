"""The question-answering service: one object, loaded once, used by CLI, HTTP and eval.

`load_service` does all the slow work (model, index, BM25, document texts)
and checks that the index is fresh; `ask` and `search` then do only
per-question work, so every entry point answers through the same code path.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from rag.answering import (
    abbreviation_tokens,
    asked_abbreviation,
    asked_post,
    asks_current,
    asks_key_facts,
    asks_publication,
    extract_answer,
    lowercase_words,
    names_holder,
    states_publication,
    warm_figures,
    with_years_resolved,
    without_time_words,
)
from rag.chunking import context_header, indexed_text, prose_text
from rag.corpus import Document, scan_library
from rag.embedding import Encoder, encoder_for
from rag.errors import BadQuestion, DocumentError, NoMatchingDocuments, UnknownDocument, listing, shown
from rag.indexing import expectations
from rag.lexical import BM25
from rag.readers import page_of
from rag.retrieval import MODES, Hit, Mode, SearchIndex, answer_first, read_also, search, with_definition, with_latest
from rag.schemas import AskResponse, Citation, Span
from rag.settings import Settings
from rag.sources import annual_reports, named_report
from rag.spelling import Vocabulary, correct_spelling
from rag.store import PendingChanges, StoredIndex, load_index, pending_changes
from rag.synonyms import in_reports_words

NOT_FOUND = "not found in the reports"
# "What is a RAR?": the passages explain it, but no figure, name or date in them is the answer.
NOT_A_FIGURE = "the question asks what something is, not for a figure, name or date: see the passages"


@dataclass
class QAService:
    settings: Settings
    encoder: Encoder
    stored: StoredIndex
    index: SearchIndex
    documents: dict[str, Document]
    headers: dict[str, str]
    doc_years: dict[str, int | None] = field(default_factory=dict)
    doc_dates: dict[str, str] = field(default_factory=dict)  # ISO-like, so they sort as strings
    pending: PendingChanges | None = None  # library changes not in this index yet
    common_words: frozenset[str] = frozenset()  # written in lower case somewhere: not a name
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary({}, frozenset()))  # for typos
    # What the reports' abbreviations stand for, as tokens: "crc" -> {communiti, rehabilit, compani}.
    abbreviations: dict[str, frozenset[str]] = field(default_factory=dict)
    annual_reports: dict[str, frozenset[int]] = field(default_factory=dict)  # by the years their titles give
    _cache: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- input checks ---------------------------------------------------------------

    def clean_question(self, question: str) -> str:
        if not isinstance(question, str):
            raise BadQuestion("the question must be text.")
        # Control characters and odd spacing carry no meaning; drop them rather than fail.
        q = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in question)
        q = " ".join(q.split())
        if not q:
            raise BadQuestion("the question is empty; ask something like "
                              "'How many probation officer vacancies were there across the NPS?'")
        if len(question) > self.settings.max_question_chars:
            raise BadQuestion(
                f"the question is {len(question)} characters; the limit is {self.settings.max_question_chars}."
            )
        return q

    def check_params(self, k: int, doc: str | None, year: int | None, mode: str) -> None:
        if not isinstance(k, int) or not 1 <= k <= self.settings.max_k:
            raise BadQuestion(f"k must be between 1 and {self.settings.max_k}, got {k}.")
        if doc is not None and doc not in self.documents:
            raise UnknownDocument(f"unknown document {shown(doc)}; the corpus has: {listing(self.documents)}.")
        if year is not None and not 1900 <= year <= 2100:
            raise BadQuestion(f"year must be a four-digit year, got {year}.")
        if mode not in MODES:
            raise BadQuestion(f"mode must be one of {', '.join(MODES)}, got {mode!r}.")

    def check_filters(self, doc: str | None, year: int | None) -> None:
        """Refuse a doc/year filter that excludes every report, naming what the index does hold.

        Searching nothing would answer "not found in the reports", which a reader
        takes to mean the reports lack the figure; the filter is what is wrong.
        """
        if year is None:
            return
        dated = sorted(d for d, y in self.doc_years.items() if y == year)
        if doc is not None and doc not in dated:
            own = self.doc_years.get(doc)
            when = f"is dated {own}, not {year}" if own else f"has no date, so it is not dated {year}"
            others = f"reports dated {year}: {listing(dated)}" if dated else self._years_held()
            raise NoMatchingDocuments(
                f"{doc} {when}: together the doc and year filters match no report; drop one of them ({others})."
            )
        if not dated:
            raise NoMatchingDocuments(f"no report in the index is dated {year}; {self._years_held()}.")

    def _years_held(self) -> str:
        years = sorted({str(y) for y in self.doc_years.values() if y})
        undated = sum(1 for y in self.doc_years.values() if not y)
        held = f"the index holds reports dated {listing(years)}" if years else "no report in the index has a date"
        return held + (f" and {undated} undated" if undated and years else "")

    # --- per-question work ------------------------------------------------------------

    def query_vector(self, question: str) -> np.ndarray:
        """Encode a question, remembering recent ones: users repeat and refine questions."""
        with self._lock:
            if question in self._cache:
                self._cache.move_to_end(question)
                return self._cache[question]
        vec = self.encoder.encode([question], batch_size=1)[0]
        with self._lock:
            self._cache[question] = vec
            while len(self._cache) > 1024:
                self._cache.popitem(last=False)
        return vec

    def adopt_cache(self, other: QAService) -> None:
        """Take over another service's question vectors if both use the same encoder."""
        if other.encoder is self.encoder:
            with other._lock:
                remembered = list(other._cache.items())
            with self._lock:
                self._cache.update(remembered)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def retrieve(
        self, question: str, k: int, doc: str | None = None, year: int | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        s = self.settings
        vec = self.query_vector(question) if mode != "bm25" else None
        return search(
            self.index, in_reports_words(question), vec, k, mode, doc, year,
            candidates=s.candidates, dense_weight=s.dense_weight, lexical_weight=s.lexical_weight, rrf_k=s.rrf_k,
            fusion=s.fusion,
        )

    def citation(self, hit: Hit) -> Citation:
        d = self.documents[hit.chunk.doc]
        return Citation(
            rank=hit.rank, doc=d.doc, title=d.title, date=d.display_date,
            start=hit.chunk.start, end=hit.chunk.end, page=page_of(d.pages, hit.chunk.start),
            end_page=page_of(d.pages, max(hit.chunk.start, hit.chunk.end - 1)),
            text=hit.chunk.text, section=hit.chunk.section,
            score=round(hit.score, 6),
            dense_score=None if hit.dense_score is None else round(hit.dense_score, 6),
            dense_rank=hit.dense_rank,
            lexical_score=None if hit.lexical_score is None else round(hit.lexical_score, 6),
            lexical_rank=hit.lexical_rank,
        )

    def sentence_similarity(self, question: str, hits: list[Hit], passages: int):
        """Cosine between the question and each stored sentence of the top passages."""
        table = self.stored.sentences
        qv = self.query_vector(question).astype(np.float32)
        sims: dict[tuple[int, int, int], float] = {}
        for h in hits[:passages]:
            i = h.chunk.id
            lo, hi = int(table["chunk_ptr"][i]), int(table["chunk_ptr"][i + 1])
            if hi <= lo:
                continue
            values = table["vectors"][table["rows"][lo:hi]].astype(np.float32) @ qv
            for s, e, v in zip(table["starts"][lo:hi], table["ends"][lo:hi], values):
                sims[(i, int(s), int(e))] = float(v)
        return lambda chunk_id, s, e: sims.get((chunk_id, s, e), 0.0)

    def passage_before(self, chunk_id: int) -> str:
        """The text just before this passage in the same report ("" at its start): it can date
        what this one describes, or hold the caption of the table this one continues. Passages
        overlap; what they share is this passage's own text, not what comes before it."""
        chunks = self.stored.chunks
        if chunk_id <= 0 or chunks[chunk_id - 1].doc != chunks[chunk_id].doc:
            return ""
        before, this = chunks[chunk_id - 1], chunks[chunk_id]
        return before.text[:max(0, this.clean_start - before.clean_start)]

    def original_span(self, doc: str, clean_start: int, clean_end: int) -> tuple[int, int]:
        seg = self.stored.offsets[doc][clean_start:clean_end]
        return int(seg.min()), int(seg.max()) + 1

    def searched_form(self, question: str) -> str:
        """The cleaned question as it is searched: "probaton", "premisses" put right (BM25 matches
        words exactly) and "ten years later" given its year, which the reports name instead."""
        return with_years_resolved(correct_spelling(question, self.vocabulary))

    def searched_as(self, question: str) -> str | None:
        """The question as it is searched, if correcting its spelling or its years changed it."""
        q = self.clean_question(question)
        searched = self.searched_form(q)
        return searched if searched != q else None

    def search(self, question: str, k: int = 5, doc: str | None = None, year: int | None = None,
               mode: Mode = "hybrid") -> list[Citation]:
        q = self.searched_form(self.clean_question(question))
        self.check_params(k, doc, year, mode)
        self.check_filters(doc, year)
        return [self.citation(h) for h in self.retrieve(q, k, self.searched_doc(q, doc, year), year, mode)]

    def searched_doc(self, question: str, doc: str | None, year: int | None) -> str | None:
        """The report searched: the client's filter, else the annual report the question names
        ("according to the 2017 annual report"), whose question another document's figure does
        not answer (see rag.sources). A year filter is the client's choice of reports: kept."""
        return doc if doc is not None or year is not None else named_report(question, self.annual_reports)

    def passages(self, question: str, n: int, doc: str | None, year: int | None,
                 mode: Mode) -> tuple[str, list[Hit], int, str | None]:
        """The question as answer selection reads it, the top n hits, how many of them to read
        for the answer, and the report to prefer (the newest, for a question about the present)."""
        read = self.settings.answer_passages
        present = asks_current(question) and year is None and doc is None
        key_facts = asks_key_facts(question)
        post = asked_post(question)
        publication = asks_publication(question)
        if not present and not key_facts and not post and not publication:
            return question, self.retrieve(question, n, doc, year, mode), read, None
        asked = without_time_words(question) if present else question
        pool = self.retrieve(asked, max(n, self.settings.candidates), doc, year, mode)
        hits = self.retrieve(asked, n, doc, year, mode)  # not pool[:n]: the top n is ranked for n
        latest_doc = None
        # Each passage added is read on top of the usual ones; one already among them adds nothing
        # (read_also and with_latest then return the very list they were given).
        def read_too(extra: Hit | None) -> None:
            nonlocal hits, read
            added = read_also(hits, extra, read)
            read, hits = read + (added is not hits), added

        if key_facts:
            # "According to the probation key facts, ...": the page's best line is read too.
            read_too(next((h for h in pool if h.chunk.fact), None))
        if publication and hits:
            # "When was the London CRC report published?": the note saying so ("The report is available
            # ... on 21 August 2019") shares few words with the question; the top report's is read too.
            top = hits[0].chunk.doc
            read_too(next((h for h in pool[read:] if h.chunk.doc == top and states_publication(h.chunk.text)), None))
        if post:
            # "Who was the Chief Inspector in 2017?": the passages read may all name other holders
            # of the post; the best-ranked other passage naming a person with it is read too.
            read_too(next((h for h in pool[read:] if names_holder(h.chunk.text, post, self.common_words)), None))
        if present:
            added, latest_doc = with_latest(hits, pool, self.doc_dates, read)
            read, hits = read + (added is not hits), added
        return asked, hits, read, latest_doc

    def ask(self, question: str, k: int = 5, doc: str | None = None, year: int | None = None,
            mode: Mode = "hybrid") -> AskResponse:
        started = time.perf_counter()
        q = self.clean_question(question)
        self.check_params(k, doc, year, mode)
        self.check_filters(doc, year)
        spelt = self.searched_form(q)
        doc = self.searched_doc(spelt, doc, year)
        asked, hits, read, latest_doc = self.passages(spelt, max(k, self.settings.answer_passages), doc, year, mode)
        if abbreviation := asked_abbreviation(spelt):
            hits = with_definition(self.index, hits, abbreviation, doc, year)
        found = extract_answer(
            asked, hits, self.index.bm25, self.headers, self.settings.abstain_threshold,
            doc_years=self.doc_years,
            sentence_similarity=self.sentence_similarity(asked, hits, read) if mode != "bm25" else None,
            semantic_weight=self.settings.semantic_weight, max_passages=read,
            common_words=self.common_words, latest_doc=latest_doc, abbreviations=self.abbreviations,
            passage_before=self.passage_before,
        )
        span = None
        if found.answer is not None and found.hit_rank is not None:
            chunk = hits[found.hit_rank - 1].chunk
            start, end = self.original_span(
                chunk.doc, chunk.clean_start + found.sentence_start, chunk.clean_start + found.sentence_end
            )
            span = Span(doc=chunk.doc, start=start, end=end, page=page_of(self.documents[chunk.doc].pages, start))
        # The passage the answer comes from is cited first: it is the evidence.
        cited, answer_rank = answer_first(hits, found.hit_rank)
        cited = cited[:k]
        # From the library scan made at load: the index is compared with the files once, not per question.
        stale = self.pending.stale(h.chunk.doc for h in cited) if self.pending else []
        return AskResponse(
            question=q,
            searched_as=spelt if spelt != q else None,
            answer=found.answer,
            answer_sentence=found.sentence,
            answer_kind=found.kind,
            answer_citation=answer_rank,
            answer_span=span,
            confidence=found.confidence,
            message=None if found.answer is not None else NOT_A_FIGURE if found.kind == "definition" else NOT_FOUND,
            citations=[self.citation(h).model_copy(update={"rank": i}) for i, h in enumerate(cited, start=1)],
            stale=stale or None,
            mode=mode,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )


def build_search_index(stored: StoredIndex, documents: dict[str, Document]) -> SearchIndex:
    headers = {d.doc: context_header(d) for d in documents.values()}
    texts = [indexed_text(headers[c.doc], c) for c in stored.chunks]
    prose = [(c.id, t) for c in stored.chunks if (t := prose_text(headers[c.doc], c)) is not None]
    years = np.array([documents[c.doc].year or 0 for c in stored.chunks], dtype=np.int32)
    return SearchIndex(
        faiss_index=stored.faiss_index,
        chunks=stored.chunks,
        bm25=BM25.build(texts, parts=prose),
        chunk_docs=np.array([c.doc for c in stored.chunks], dtype=object),
        chunk_years=years,
        prose_chunks=stored.sentences["prose_chunks"].astype(np.int64),
        prose_vectors=stored.sentences["prose_vectors"].astype(np.float32),
    )


def stored_documents(stored: StoredIndex) -> dict[str, Document]:
    """The documents as the index holds them: the texts its citations index into."""
    return {
        name: Document(
            doc=i.doc, title=i.title, date=i.date, publisher=i.publisher, text=stored.texts[name], sha256=i.sha256,
            kind=i.kind, date_note=i.date_note, format=i.format, pages=tuple(i.pages), source_key=i.source_key,
        )
        for name, i in stored.documents.items()
    }


def library_changes(settings: Settings, stored: StoredIndex) -> PendingChanges | None:
    """What the library holds that the index does not yet; None if the library cannot be read."""
    try:
        return pending_changes(scan_library(settings.seeds_dir), stored)
    except DocumentError:
        return None


def load_service(settings: Settings, encoder: Encoder | None = None) -> QAService:
    """Load model and index, refusing a stale (other model/chunking) or corrupt index."""
    encoder = encoder or encoder_for(settings, threads=settings.threads)
    stored = load_index(settings.index_dir, expectations(settings, encoder.name, encoder.sha256, encoder.backend))
    documents = stored_documents(stored)
    hnsw = getattr(stored.faiss_index, "hnsw", None)
    if hnsw is not None:  # a search-time knob: a new setting applies without a rebuild
        hnsw.efSearch = settings.hnsw_ef_search
    # In the background: the service is ready at once, and first questions get faster as it runs.
    threading.Thread(target=warm_figures, args=([c.text for c in stored.chunks],), daemon=True,
                     name="rag-warm").start()
    return QAService(
        settings=settings,
        encoder=encoder,
        stored=stored,
        index=build_search_index(stored, documents),
        documents=documents,
        headers={d.doc: context_header(d) for d in documents.values()},
        doc_years={d.doc: d.year for d in documents.values()},
        doc_dates={d.doc: d.date for d in documents.values() if d.year},
        pending=library_changes(settings, stored),
        common_words=lowercase_words([c.text for c in stored.chunks]),
        vocabulary=Vocabulary.of([c.text for c in stored.chunks]),
        abbreviations=abbreviation_tokens([c.text for c in stored.chunks]),
        annual_reports=annual_reports({d.doc: d.title for d in documents.values()}),
    )
