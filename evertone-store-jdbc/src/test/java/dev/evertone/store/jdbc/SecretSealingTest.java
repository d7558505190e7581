package dev.evertone.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import java.util.IdentityHashMap;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretSealingTest {
  private final SecretCipher cipher = new SecretCipher(new byte[32]);

  /** {@code n} new lines of example.com, each with its own secret. */
  private static ChangeSet lines(int n) {
    ChangeSet.Builder b = ChangeSet.builder();
    for (int i = 0; i < n; i++) {
      b.line(new CreateLine(-1, 1, "example.com", "u" + i, new Plain("pw-" + i), "c"));
    }
    return b.build();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void everySecretIsSealedForItsOwnLineWhetherInTheBackgroundOrAtOnce(boolean background) {
    // more than one chunk per thread, and a last chunk that is not full
    ChangeSet changes = lines(SecretSealing.PARALLEL_FROM * 3 + 7);
    SecretSealing sealing = new SecretSealing(changes, background, cipher);
    IdentityHashMap<LineOp, SecretSealing.Sealed> sealed = sealing.get();
    assertThat(sealed).hasSize(changes.lines().size());
    for (LineOp op : changes.lines()) {
      CreateLine l = (CreateLine) op;
      String secret = ((Plain) l.secret()).value();
      SecretSealing.Sealed s = Objects.requireNonNull(sealed.get(op), l.authUser());
      assertThat(cipher.decrypt(s.ciphertext(), l.domain(), l.authUser())).isEqualTo(secret);
      assertThat(s.hash()).isEqualTo(cipher.fingerprint(secret, l.domain(), l.authUser()));
    }
    assertThat(sealing.get()).isSameAs(sealed);
    sealing.cancel();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFewSecretsAreSealedToo(boolean background) {
    ChangeSet changes = lines(3);
    IdentityHashMap<LineOp, SecretSealing.Sealed> sealed =
        new SecretSealing(changes, background, cipher).get();
    assertThat(sealed).hasSize(3);
    assertThat(new SecretSealing(lines(0), background, cipher).get()).isEmpty();
  }
}
