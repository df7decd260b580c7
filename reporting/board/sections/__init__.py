"""One module per section of the board report; each `build(...)` is a pure function of plain data
(rows read by reporting.board.data, catalogues) to the plain dicts its template shows."""
