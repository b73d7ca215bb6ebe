package dev.lumen.core.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Optional;

/**
 * One operator of an {@link OnnxGraph}: a read-only view of the ONNX {@code NodeProto} with the
 * attribute accessors that Lumen's analyses need.
 *
 * @param index position in the graph's (topologically sorted) node list
 * @param proto the node as stored in the model
 */
public record Node(int index, NodeProto proto) {

  /** The node's name, or {@code #index} when the exporter left it empty. */
  public String name() {
    return proto.getName().isEmpty() ? "#" + index : proto.getName();
  }

  /** The operator, for example {@code Conv}. */
  public String opType() {
    return proto.getOpType();
  }

  /** Input tensor names; an empty name marks an omitted optional input. */
  public List<String> inputs() {
    return proto.getInputList();
  }

  /** Output tensor names. */
  public List<String> outputs() {
    return proto.getOutputList();
  }

  /** Input {@code i}, when present and not omitted. */
  public Optional<String> input(int i) {
    return i < proto.getInputCount() && !proto.getInput(i).isEmpty()
        ? Optional.of(proto.getInput(i))
        : Optional.empty();
  }

  /** The first output, the one almost every CNN operator has alone. */
  public String output() {
    return proto.getOutput(0);
  }

  /** The attribute {@code name}, if set. */
  public Optional<AttributeProto> attribute(String name) {
    return proto.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
  }

  /** An integer attribute, or {@code fallback} when absent. */
  public long intAttribute(String name, long fallback) {
    return attribute(name).map(AttributeProto::getI).orElse(fallback);
  }

  /** A float attribute, or {@code fallback} when absent. */
  public float floatAttribute(String name, float fallback) {
    return attribute(name).map(AttributeProto::getF).orElse(fallback);
  }

  /** An integer-list attribute, if set. */
  public Optional<long[]> intsAttribute(String name) {
    return attribute(name)
        .map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray());
  }

  /** {@code "name (OpType)"}, the way error messages name a node. */
  public String describe() {
    return name() + " (" + opType() + ")";
  }
}
