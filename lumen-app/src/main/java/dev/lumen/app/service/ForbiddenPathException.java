package dev.lumen.app.service;

/** A path outside the folders the server may read: 403, and logged. */
public final class ForbiddenPathException extends RuntimeException {
  /** {@code path} leads outside the allowed folders. */
  public ForbiddenPathException(String path) {
    super("'" + path + "' lies outside the folders this server reads");
  }
}
