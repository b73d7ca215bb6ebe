package dev.lumen.core.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.lumen.core.LumenException;
import dev.lumen.core.tensor.Tensor;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled graph ready to run: an ONNX Runtime session over a (possibly rewritten) model.
 *
 * <p>Creating a session optimises the graph and costs milliseconds to seconds; running it costs
 * one forward pass. Sessions are made by {@link Engine#open} and owned by whoever opened them;
 * {@link #close()} is safe to call twice, and running after close throws
 * {@link IllegalStateException}. Runs may happen from several threads at once.
 */
public final class GraphSession implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String name;
  private volatile boolean closed;

  GraphSession(OrtEnvironment env, OrtSession session, String name) {
    this.env = env;
    this.session = session;
    this.name = name;
  }

  /** The session's input names. */
  public Set<String> inputNames() {
    return session.getInputNames();
  }

  /** The session's output names, in the graph's order. */
  public Set<String> outputNames() {
    return session.getOutputNames();
  }

  /**
   * Runs the graph on {@code inputs} and returns {@code outputs} as float32 tensors, in the
   * order asked for. Integer outputs (shape tensors) are converted to float.
   *
   * @throws LumenException if ONNX Runtime rejects the inputs (wrong rank, size or name)
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs, List<String> outputs) {
    if (closed) {
      throw new IllegalStateException("Trying to run a closed session: " + name);
    }
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
        Tensor t = in.getValue();
        feed.put(in.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.unsafeData()), t.shape()));
      }
      try (OrtSession.Result result = session.run(feed, Set.copyOf(outputs))) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String output : outputs) {
          out.put(output, toTensor(result.get(output).orElseThrow()));
        }
        return out;
      }
    } catch (OrtException e) {
      throw new LumenException(name + ": ONNX Runtime cannot run the inputs given: " + e.getMessage());
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  private static Tensor toTensor(OnnxValue value) throws OrtException {
    OnnxTensor tensor = (OnnxTensor) value;
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    float[] data = new float[Math.toIntExact(info.getNumElements())];
    switch (info.type) {
      case FLOAT -> tensor.getFloatBuffer().get(data);
      case DOUBLE -> {
        var buf = tensor.getDoubleBuffer();
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) buf.get(i);
        }
      }
      case INT64 -> {
        var buf = tensor.getLongBuffer();
        for (int i = 0; i < data.length; i++) {
          data[i] = buf.get(i);
        }
      }
      case INT32 -> {
        var buf = tensor.getIntBuffer();
        for (int i = 0; i < data.length; i++) {
          data[i] = buf.get(i);
        }
      }
      case BOOL, INT8, UINT8 -> {
        var buf = tensor.getByteBuffer();
        for (int i = 0; i < data.length; i++) {
          data[i] = buf.get(i);
        }
      }
      default -> throw new OrtException("output of type " + info.type + " is not supported");
    }
    return Tensor.of(data, shape);
  }

  /** Releases the native session. Safe to call more than once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      session.close();
    } catch (OrtException e) {
      throw new LumenException("cannot close session " + name + ": " + e.getMessage());
    }
  }
}
