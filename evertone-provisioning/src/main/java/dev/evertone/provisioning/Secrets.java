package dev.evertone.provisioning;

import java.security.SecureRandom;

/**
 * Strong generated secrets: 20 characters from 56 that cannot be mistaken for one another when read
 * off a screen (no 0/O, 1/l/I), about 116 bits. Letters and digits only, so that any phone's keypad
 * or web form takes them.
 */
final class Secrets {
  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private static final int LENGTH = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  static String generate() {
    char[] s = new char[LENGTH];
    for (int i = 0; i < s.length; i++) {
      s[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(s);
  }
}
