/**
 * Admin API tokens: only a token's hash is stored; the token itself is shown once when it is made.
 */
@NullMarked
package dev.evertone.store.admin;

import org.jspecify.annotations.NullMarked;
