"""Shapes only the HTTP API returns; the question/answer shapes live in `rag.schemas`
so that `rag ask --json` and `POST /ask` cannot drift apart."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentText(BaseModel):
    doc: str
    title: str
    date: str
    text: str = Field(description="the original file, decoded as UTF-8; citation offsets index into it")


class SpanText(BaseModel):
    doc: str
    title: str
    date: str
    start: int = Field(description="start of the span in the original file")
    end: int = Field(description="end (exclusive) of the span in the original file")
    text: str = Field(description="the original text from start to end")
    before: str = Field(description="up to `context` characters preceding the span")
    after: str = Field(description="up to `context` characters following the span")


class RejectedDocument(BaseModel):
    name: str
    reason: str


class AddResponse(BaseModel):
    added: list[str] = Field(description="new reports")
    replaced: list[str] = Field(description="reports whose file or metadata changed; their old chunks are gone")
    unchanged: list[str] = Field(description="reports identical to what the library already holds")
    rejected: list[RejectedDocument] = Field(description="reports left out, each with the reason")
    index_version: str
    documents: int
    chunks: int
    seconds: float


class RemoveResponse(BaseModel):
    removed: list[str]
    index_version: str
    documents: int
    chunks: int


class ErrorResponse(BaseModel):
    detail: str = Field(description="what went wrong, written for the person asking")
