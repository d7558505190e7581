package dev.evertone.provisioning.template;

import org.jspecify.annotations.Nullable;

/**
 * What is wrong with a file, where: the physical line (as an editor shows it), the data row (1 =
 * the first row after the header), and the column.
 *
 * @param line the line in the file, or 0 if the error concerns the whole file
 * @param row the data row, or 0 for the header or the whole file
 * @param column the column, or null if the error concerns the whole row or file
 */
public record RowError(int line, int row, @Nullable String column, String reason) {
  /** The longest reason kept: a reason may quote a cell, and a cell may be megabytes. */
  static final int MAX_REASON_CHARS = 300;

  public RowError {
    if (reason.length() > MAX_REASON_CHARS) {
      reason =
          reason.substring(0, MAX_REASON_CHARS)
              + "... ("
              + (reason.length() - MAX_REASON_CHARS)
              + " more characters)";
    }
    if (column != null && column.length() > 100) {
      column = column.substring(0, 100) + "...";
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (line > 0) {
      sb.append("line ").append(line);
      if (row > 0) {
        sb.append(" (row ").append(row).append(')');
      }
    }
    if (column != null) {
      sb.append(sb.length() > 0 ? ", " : "").append("column ").append(column);
    }
    return sb.length() == 0 ? reason : sb + ": " + reason;
  }
}
