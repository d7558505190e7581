package dev.evertone.provisioning;

import org.jspecify.annotations.Nullable;

/** One field a plan changes, from what to what; a secret shows only as "(changed)". */
public record FieldChange(String field, @Nullable String from, @Nullable String to) {
  static final String HIDDEN = "(changed)";
}
