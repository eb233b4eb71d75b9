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


class ErrorResponse(BaseModel):
    detail: str = Field(description="what went wrong, written for the person asking")
