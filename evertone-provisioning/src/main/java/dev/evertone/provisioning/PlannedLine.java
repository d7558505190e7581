package dev.evertone.provisioning;

import dev.evertone.store.provisioning.Line;
import org.jspecify.annotations.Nullable;

/**
 * A line row as an import plans it: the device it goes on and its number there (null until placed,
 * and left null with an error), and its new secret if it gets one.
 */
final class PlannedLine {
  final ImportRow row;
  final @Nullable Line existing;
  @Nullable PlannedDevice device;
  @Nullable Integer lineNo;
  @Nullable String newSecret;
  boolean generated;

  PlannedLine(ImportRow row, @Nullable Line existing) {
    this.row = row;
    this.existing = existing;
  }
}
