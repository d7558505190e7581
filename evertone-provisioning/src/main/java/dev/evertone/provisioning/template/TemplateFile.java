package dev.evertone.provisioning.template;

import java.util.List;

/**
 * A template file as read: its rows, (JSON exports only) the domains it lists, so that a backup of
 * a domain without devices restores the domain too, and the errors of rows that could not be read
 * (reported together with those found later, so that one run lists everything to fix).
 */
public record TemplateFile(List<TemplateRow> rows, List<String> domains, List<RowError> errors) {
  public TemplateFile {
    rows = List.copyOf(rows);
    domains = List.copyOf(domains);
    errors = List.copyOf(errors);
  }
}
