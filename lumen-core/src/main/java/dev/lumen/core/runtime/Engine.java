package dev.lumen.core.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.lumen.core.LumenException;

/**
 * Runs ONNX graphs on ONNX Runtime with one set of {@link EngineOptions}.
 *
 * <p>ONNX Runtime has one process-wide environment; an engine only adds the options, so making
 * engines is cheap. The sessions it opens belong to the caller.
 */
public final class Engine {
  private final OrtEnvironment env =
      OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "lumen");
  private final EngineOptions options;

  /** An engine with {@code options}. */
  public Engine(EngineOptions options) {
    this.options = options;
  }

  /** The options sessions are opened with. */
  public EngineOptions options() {
    return options;
  }

  /**
   * Compiles {@code model} (serialized ONNX) into a session; {@code name} names it in errors.
   *
   * @throws LumenException if ONNX Runtime cannot load the graph, for example because of an
   *     operator it does not implement
   */
  public GraphSession open(byte[] model, String name) {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      if (!options.spinning()) {
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
      return new GraphSession(env, env.createSession(model, so), name);
    } catch (OrtException e) {
      throw new LumenException(name + ": ONNX Runtime cannot load the model: " + e.getMessage());
    }
  }
}
