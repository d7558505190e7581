package dev.evertone.provisioning.template;

import org.jspecify.annotations.Nullable;

/**
 * One data row of a template file as read, before validation: the raw text of each column it has. A
 * column the file does not have, or an empty cell, is absent.
 */
public final class TemplateRow {
  private static final Column[] COLUMNS = Column.values();

  private final int row;
  private final int line;
  // by column ordinal: a million rows of a file are held at once
  private final @Nullable String[] values;

  /**
   * @param values the cells by {@link Column#ordinal()}, null where the file has no such column
   */
  TemplateRow(int row, int line, @Nullable String[] values) {
    if (values.length != COLUMNS.length) {
      throw new IllegalArgumentException(
          "a row has a cell for each of the " + COLUMNS.length + " columns");
    }
    this.row = row;
    this.line = line;
    this.values = values;
  }

  /** An empty row of cells, to fill by {@link Column#ordinal()}. */
  static @Nullable String[] cells() {
    return new String[COLUMNS.length];
  }

  /** The data row number, from 1. */
  public int row() {
    return row;
  }

  /** The line of the file where the row starts. */
  public int line() {
    return line;
  }

  /**
   * The cell, or null if empty or absent. Secrets are returned as they are; other cells are not
   * trimmed either.
   */
  public @Nullable String get(Column column) {
    String v = values[column.ordinal()];
    return v == null || v.isEmpty() ? null : v;
  }

  /** An error in this row, at {@code column}. */
  public RowError error(@Nullable Column column, String reason) {
    return new RowError(line, row, column == null ? null : column.header(), reason);
  }

  @Override
  public String toString() {
    return "TemplateRow[" + row + " at line " + line + ", secret=(hidden)]";
  }
}
