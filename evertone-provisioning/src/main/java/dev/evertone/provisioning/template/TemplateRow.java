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
  // an array by column, not a map: a million rows of a file are held at once
  private final @Nullable String[] values;

  /**
   * A row as read.
   *
   * @param values the cells (filled with {@link #put}), null where the file has no such column
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

  /** An empty row of cells, to fill with {@link #put}. */
  static @Nullable String[] cells() {
    return new String[COLUMNS.length];
  }

  /** Sets the cell of {@code column} in {@code cells}. */
  static void put(@Nullable String[] cells, Column column, String value) {
    cells[index(column)] = value;
  }

  /**
   * A column's cell in a row's array. The checker is wrong to warn here: the index only places a
   * cell in an array held in memory while one file is read (never stored or sent), so a reordered
   * {@link Column} changes nothing; an {@code EnumMap} (an array by ordinal inside) would cost an
   * object more for each of a million rows.
   */
  @SuppressWarnings("EnumOrdinal")
  private static int index(Column column) {
    return column.ordinal();
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
    String v = values[index(column)];
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
