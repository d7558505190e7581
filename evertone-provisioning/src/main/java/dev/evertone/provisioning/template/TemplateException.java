package dev.evertone.provisioning.template;

import java.util.List;

/**
 * A file that cannot be imported, with every error found (up to a limit) so that all of them can be
 * fixed in one go. Nothing was written.
 */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<RowError> errors;
  private final int total;

  public TemplateException(List<RowError> errors, int total) {
    super(message(errors, total));
    this.errors = List.copyOf(errors);
    this.total = total;
  }

  public TemplateException(RowError error) {
    this(List.of(error), 1);
  }

  /** The errors reported (the first ones, if there were very many). */
  public List<RowError> errors() {
    return errors;
  }

  /** How many errors there were in all. */
  public int total() {
    return total;
  }

  private static String message(List<RowError> errors, int total) {
    StringBuilder sb = new StringBuilder();
    sb.append(total == 1 ? "the file has an error" : "the file has " + total + " errors")
        .append("; nothing was written");
    for (RowError e : errors) {
      sb.append("\n  ").append(e);
    }
    if (total > errors.size()) {
      sb.append("\n  ... and ").append(total - errors.size()).append(" more");
    }
    return sb.toString();
  }
}
