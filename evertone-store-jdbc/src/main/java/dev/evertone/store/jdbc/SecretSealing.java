package dev.evertone.store.jdbc;

import dev.evertone.store.StoreException;
import dev.evertone.store.provisioning.ChangeSet;
import dev.evertone.store.provisioning.ChangeSet.CreateLine;
import dev.evertone.store.provisioning.ChangeSet.LineOp;
import dev.evertone.store.provisioning.ChangeSet.Plain;
import dev.evertone.store.provisioning.ChangeSet.UpdateLine;
import dev.evertone.store.provisioning.LineKey;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts and fingerprints every new secret of a change set (the CPU-heavy part of an import) on
 * every core; {@link #get} waits for the result.
 */
final class SecretSealing {
  private static final Logger log = LoggerFactory.getLogger(SecretSealing.class);

  /** A Plain secret, validated and encrypted before the transaction needs it. */
  record Sealed(String ciphertext, String hash) {}

  /** A line operation with a new secret, and the line the secret is bound to. */
  private record ToSeal(LineOp op, LineKey key, Plain secret) {}

  private final SecretCipher cipher;
  private final FutureTask<IdentityHashMap<LineOp, Sealed>> task;

  /**
   * Starts sealing.
   *
   * @param background seal while the transaction inserts users and devices: right where the
   *     database works in a process of its own (PostgreSQL), so that this one would only wait; with
   *     SQLite the same threads do both and it would only add contention, so the secrets are sealed
   *     first (before the write lock)
   */
  SecretSealing(ChangeSet changes, boolean background, SecretCipher cipher) {
    this.cipher = cipher;
    List<ToSeal> withSecrets = new ArrayList<>();
    for (LineOp op : changes.lines()) {
      if (op instanceof CreateLine l && l.secret() instanceof Plain p) {
        withSecrets.add(new ToSeal(op, new LineKey(l.domain(), l.authUser()), p));
      } else if (op instanceof UpdateLine u && u.secret() instanceof Plain p) {
        withSecrets.add(new ToSeal(op, u.key(), p));
      }
    }
    task = new FutureTask<>(() -> seal(withSecrets));
    if (background && withSecrets.size() >= 1000) {
      Thread t = new Thread(task, "secret-sealing");
      t.setDaemon(true);
      t.start();
    } else {
      task.run();
    }
  }

  private IdentityHashMap<LineOp, Sealed> seal(List<ToSeal> ops) {
    long start = System.nanoTime();
    Sealed[] out = new Sealed[ops.size()];
    IntStream.range(0, out.length)
        .parallel()
        .forEach(
            i -> {
              if (task.isCancelled()) {
                return;
              }
              ToSeal s = ops.get(i);
              String secret = s.secret().value();
              LineKey key = s.key();
              out[i] =
                  new Sealed(
                      cipher.encrypt(secret, key.domain(), key.authUser()),
                      cipher.fingerprint(secret, key.domain(), key.authUser()));
            });
    // by identity: each operation is one object of the change set, and records hash every field
    IdentityHashMap<LineOp, Sealed> byOp = new IdentityHashMap<>(out.length);
    for (int i = 0; i < out.length; i++) {
      byOp.put(ops.get(i).op(), out[i]);
    }
    if (out.length > 0) {
      log.debug(
          "{} secrets encrypted in {} ms", out.length, (System.nanoTime() - start) / 1_000_000);
    }
    return byOp;
  }

  /** The sealed secrets by operation (by identity), once all are done. */
  IdentityHashMap<LineOp, Sealed> get() {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while encrypting secrets", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new StoreException("cannot encrypt secrets: " + e.getCause(), e);
    }
  }

  /** Stops the work if the transaction failed before it needed the result. */
  void cancel() {
    task.cancel(false);
  }
}
