package dev.evertone.store;

/**
 * Who made a change and from where, as recorded in the audit log and the credential history: an
 * admin token's name and the client's address, or the operating-system user of a local command.
 *
 * @param name who, e.g. {@code token:provisioning-bot} or {@code cli:alice}
 * @param source from where, e.g. {@code 192.0.2.7} or {@code local}
 */
public record Actor(String name, String source) {
  public Actor {
    if (name.isBlank() || source.isBlank()) {
      throw new IllegalArgumentException("an actor needs a name and a source");
    }
    name = truncate(name, 128);
    source = truncate(source, 128);
  }

  /** A command run on this machine by {@code osUser}. */
  public static Actor local(String osUser) {
    return new Actor("cli:" + osUser, "local");
  }

  /** As logs show it: {@code token:ops from 192.0.2.7}, {@code cli:alice} (a local command). */
  @Override
  public String toString() {
    return source.equals("local") ? name : name + " from " + source;
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
