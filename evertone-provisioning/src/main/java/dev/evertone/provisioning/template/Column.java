package dev.evertone.provisioning.template;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The columns of the device template, in the order exports write them. */
public enum Column {
  ACTION("upsert (default) or delete"),
  DOMAIN("the tenant's SIP domain, e.g. example.com; must exist"),
  EXTENSION("the user (extension) who owns the device, e.g. 1001; created if new"),
  DISPLAY_NAME("the user's name, e.g. Front desk"),
  MAC("the device's MAC address, e.g. 00:15:65:aa:bb:cc; empty for a softphone"),
  MODEL("the device's model, e.g. Yealink T54W"),
  DESCRIPTION("a note on the device, e.g. Reception, 2nd floor"),
  LINE("the line's position on the device, 1 to 64; default: the first free one"),
  AUTH_USER("the line's SIP user name (auth user); it registers sip:AUTH_USER@DOMAIN"),
  SECRET("the line's SIP password; empty: keep it, or generate a strong one for a new line");

  private final String meaning;

  Column(String meaning) {
    this.meaning = meaning;
  }

  /** The name in a file's header row: lower case with underscores. */
  public String header() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String meaning() {
    return meaning;
  }

  /**
   * The column a header names: case, surrounding spaces and {@code -} or space for {@code _} do not
   * matter ("Auth User" is {@code auth_user}); null if none.
   */
  public static @Nullable Column fromHeader(String header) {
    String n = header.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    for (Column c : values()) {
      if (c.header().equals(n)) {
        return c;
      }
    }
    return null;
  }

  /** The header row of a template file. */
  public static String headerLine() {
    StringBuilder sb = new StringBuilder();
    for (Column c : values()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(c.header());
    }
    return sb.toString();
  }
}
