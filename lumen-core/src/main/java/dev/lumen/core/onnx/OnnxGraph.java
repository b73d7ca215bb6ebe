package dev.lumen.core.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lumen.core.LumenException;
import dev.lumen.core.io.AtomicFiles;
import dev.lumen.core.io.FileBytes;
import dev.lumen.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lumen's in-memory view of an ONNX model: nodes, initializers, inputs and outputs, with the
 * look-ups that graph analyses need (who produces a tensor, who consumes it, what constant it
 * holds) and the rewrites that explanations need (exposing intermediate tensors as outputs).
 *
 * <p>The graph is immutable: rewrites return a new graph. It is built on the ONNX schema's
 * generated protobuf classes, so what it writes is exactly what it read plus the rewrite.
 *
 * <pre>{@code
 * OnnxGraph graph = OnnxGraph.read(Path.of("resnet18.onnx"));
 * graph.producer("features").ifPresent(node -> System.out.println(node.describe()));
 * byte[] withFeatures = graph.withExtraOutputs(List.of("features")).toBytes();
 * }</pre>
 */
public final class OnnxGraph {
  private final ModelProto model;
  private final String source;
  private final List<Node> nodes;
  private final Map<String, Node> producers = new HashMap<>();
  private final Map<String, List<Node>> consumers = new HashMap<>();
  private final Map<String, TensorProto> initializers = new HashMap<>();

  private OnnxGraph(ModelProto model, String source) {
    this.model = model;
    this.source = source;
    GraphProto graph = model.getGraph();
    List<Node> list = new ArrayList<>(graph.getNodeCount());
    for (int i = 0; i < graph.getNodeCount(); i++) {
      Node node = new Node(i, graph.getNode(i));
      list.add(node);
      node.outputs().forEach(out -> producers.put(out, node));
      node.inputs().forEach(in -> consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node));
    }
    this.nodes = List.copyOf(list);
    graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
  }

  /**
   * Reads an ONNX model file.
   *
   * @throws LumenException if the file is missing, unreadable or not an ONNX model
   */
  public static OnnxGraph read(Path file) {
    return parse(FileBytes.read(file), file);
  }

  /**
   * Parses a serialized ONNX model; {@code file} (may be null) only names it in errors.
   *
   * @throws LumenException if the bytes are not an ONNX model with a graph
   */
  public static OnnxGraph parse(byte[] bytes, Path file) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new LumenException(file, "not an ONNX model (" + e.getMessage() + ")", e);
    }
    if (model.getIrVersion() <= 0 || !model.hasGraph() || model.getGraph().getNodeCount() == 0
        || model.getGraph().getOutputCount() == 0) {
      throw new LumenException(file, "not an ONNX model (no IR version, graph, nodes or outputs)");
    }
    return new OnnxGraph(model, file == null ? "model" : file.getFileName().toString());
  }

  /** The name errors use for this model: its file name. */
  public String source() {
    return source;
  }

  /** The nodes in the model's topological order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The node that produces {@code tensor}; empty for graph inputs and initializers. */
  public Optional<Node> producer(String tensor) {
    return Optional.ofNullable(producers.get(tensor));
  }

  /** The nodes that read {@code tensor}. */
  public List<Node> consumers(String tensor) {
    return List.copyOf(consumers.getOrDefault(tensor, List.of()));
  }

  /** Whether {@code tensor} is produced by a node or is a graph input. */
  public boolean hasTensor(String tensor) {
    return producers.containsKey(tensor) || inputs().stream().anyMatch(v -> v.name().equals(tensor));
  }

  /** The model's inputs, without initializers that some exporters also list as inputs. */
  public List<ValueInfo> inputs() {
    return model.getGraph().getInputList().stream()
        .filter(v -> !initializers.containsKey(v.getName()))
        .map(OnnxGraph::valueInfo).toList();
  }

  /** The model's outputs. */
  public List<ValueInfo> outputs() {
    return model.getGraph().getOutputList().stream().map(OnnxGraph::valueInfo).toList();
  }

  /** The default-domain opset the model was exported for. */
  public long opset() {
    return model.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(o -> o.getVersion()).max().orElse(0);
  }

  /** The program that exported the model, for example {@code pytorch 1.13.1}. */
  public String producerName() {
    return (model.getProducerName() + " " + model.getProducerVersion()).trim();
  }

  /**
   * The constant value of {@code tensor}: an initializer, or the output of a {@code Constant}
   * node. Empty when the tensor is computed at run time.
   */
  public Optional<TensorProto> constant(String tensor) {
    TensorProto init = initializers.get(tensor);
    if (init != null) {
      return Optional.of(init);
    }
    return producer(tensor)
        .filter(n -> n.opType().equals("Constant"))
        .flatMap(n -> n.attribute("value"))
        .filter(a -> a.hasT())
        .map(a -> a.getT());
  }

  /** The constant value of {@code tensor} as float32, when it is constant. */
  public Optional<Tensor> constantTensor(String tensor) {
    return constant(tensor).map(TensorProtos::toTensor);
  }

  /**
   * A graph that also outputs {@code tensors} (after the model's own outputs), so one run
   * returns intermediate activations. Tensors that are already outputs are not repeated.
   *
   * @throws IllegalArgumentException if a tensor is not in the graph
   */
  public OnnxGraph withExtraOutputs(Collection<String> tensors) {
    Set<String> present = new LinkedHashSet<>();
    model.getGraph().getOutputList().forEach(v -> present.add(v.getName()));
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (String tensor : tensors) {
      if (!hasTensor(tensor)) {
        throw new IllegalArgumentException("tensor '" + tensor + "' not in " + source);
      }
      if (present.add(tensor)) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(tensor));
      }
    }
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /**
   * The part of the graph above {@code tensor}: a graph whose one input is {@code tensor} and
   * whose output is this graph's first output, holding only the nodes the output needs. Running
   * it re-evaluates the head on modified features without running anything below them.
   *
   * @throws IllegalArgumentException if the tensor is unknown, or the output also depends on the
   *     graph input through another path (a skip connection around {@code tensor})
   */
  public OnnxGraph above(String tensor) {
    if (!producers.containsKey(tensor)) {
      throw new IllegalArgumentException("tensor '" + tensor + "' is not produced by a node of " + source);
    }
    Set<Integer> needed = new java.util.TreeSet<>();
    Set<String> usedInitializers = new LinkedHashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>();
    todo.add(outputs().get(0).name());
    Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.isEmpty() || t.equals(tensor) || !seen.add(t)) {
        continue;
      }
      if (initializers.containsKey(t)) {
        usedInitializers.add(t);
        continue;
      }
      Node node = producers.get(t);
      if (node == null) {
        throw new IllegalArgumentException(outputs().get(0).name() + " depends on '" + t
            + "' other than through '" + tensor + "' in " + source);
      }
      if (needed.add(node.index())) {
        todo.addAll(node.inputs());
      }
    }
    GraphProto.Builder graph = GraphProto.newBuilder().setName(model.getGraph().getName() + "_above")
        .addInput(ValueInfoProto.newBuilder().setName(tensor).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
            .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))))
        .addOutput(ValueInfoProto.newBuilder().setName(outputs().get(0).name()));
    needed.forEach(i -> graph.addNode(nodes.get(i).proto()));
    usedInitializers.forEach(name -> graph.addInitializer(initializers.get(name)));
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /**
   * A graph with {@code nodes} in place of this one's (already in topological order), this
   * graph's initializers plus {@code constants}, its inputs plus {@code extraInputs}, and its
   * outputs plus {@code extraOutputs}: what graph compilers build.
   */
  public OnnxGraph rebuilt(List<NodeProto> nodes, List<TensorProto> constants, List<ValueInfoProto> extraInputs,
                           List<String> extraOutputs) {
    GraphProto.Builder graph = model.getGraph().toBuilder().clearNode().addAllNode(nodes)
        .addAllInitializer(constants).addAllInput(extraInputs);
    Set<String> present = new LinkedHashSet<>();
    model.getGraph().getOutputList().forEach(v -> present.add(v.getName()));
    for (String output : extraOutputs) {
      if (present.add(output)) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(output));
      }
    }
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /** This graph with the initializers of {@code replaced}'s names swapped for its tensors (same names). */
  public OnnxGraph withInitializers(Map<String, TensorProto> replaced) {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      TensorProto t = replaced.get(graph.getInitializer(i).getName());
      if (t != null) {
        graph.setInitializer(i, t);
      }
    }
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /**
   * The part of the graph that computes {@code tensor}: the same inputs, the nodes and
   * initializers it needs, and {@code tensor} as the only output. A new head can be attached to
   * it with {@link #rebuilt}.
   *
   * @throws IllegalArgumentException if the tensor is not produced by a node
   */
  public OnnxGraph below(String tensor) {
    if (!producers.containsKey(tensor)) {
      throw new IllegalArgumentException("tensor '" + tensor + "' is not produced by a node of " + source);
    }
    Set<Integer> needed = new java.util.TreeSet<>();
    Set<String> usedInitializers = new LinkedHashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(tensor));
    Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.isEmpty() || !seen.add(t)) {
        continue;
      }
      if (initializers.containsKey(t)) {
        usedInitializers.add(t);
        continue;
      }
      Node node = producers.get(t);
      if (node != null && needed.add(node.index())) {
        todo.addAll(node.inputs());
      }
    }
    GraphProto.Builder graph = model.getGraph().toBuilder().clearNode().clearInitializer().clearOutput()
        .clearValueInfo().addOutput(ValueInfoProto.newBuilder().setName(tensor));
    graph.clearInput();
    model.getGraph().getInputList().stream().filter(v -> !initializers.containsKey(v.getName()))
        .forEach(graph::addInput);
    needed.forEach(i -> graph.addNode(nodes.get(i).proto()));
    usedInitializers.forEach(name -> graph.addInitializer(initializers.get(name)));
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /**
   * This graph with its outputs replaced by {@code outputs} (after adding {@code nodes} and
   * {@code constants}): how a new head replaces the old one.
   */
  public OnnxGraph withHead(List<NodeProto> nodes, List<TensorProto> constants, List<String> outputs) {
    GraphProto.Builder graph = model.getGraph().toBuilder().addAllNode(nodes).addAllInitializer(constants).clearOutput();
    outputs.forEach(o -> graph.addOutput(ValueInfoProto.newBuilder().setName(o)));
    return new OnnxGraph(model.toBuilder().setGraph(graph).build(), source);
  }

  /** Every tensor a node produces, in topological order. */
  public List<String> intermediateTensors() {
    List<String> out = new ArrayList<>();
    for (Node node : nodes) {
      node.outputs().stream().filter(t -> !t.isEmpty()).forEach(out::add);
    }
    return out;
  }

  /** The serialized model. */
  public byte[] toBytes() {
    return model.toByteArray();
  }

  /** Writes the model to {@code file}. */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes());
  }

  /** All nodes, as their protobuf messages, for code that builds new graphs from this one. */
  public List<NodeProto> nodeProtos() {
    return model.getGraph().getNodeList();
  }

  private static ValueInfo valueInfo(ValueInfoProto v) {
    List<Long> dims = new ArrayList<>();
    List<String> names = new ArrayList<>();
    String type = "UNDEFINED";
    if (v.getType().hasTensorType()) {
      var tensorType = v.getType().getTensorType();
      var elem = TensorProto.DataType.forNumber(tensorType.getElemType());
      type = elem == null ? "UNDEFINED" : elem.name();
      for (TensorShapeProto.Dimension d : tensorType.getShape().getDimList()) {
        dims.add(d.hasDimValue() ? d.getDimValue() : -1L);
        names.add(d.hasDimParam() ? d.getDimParam() : "");
      }
    }
    return new ValueInfo(v.getName(), type, dims, names);
  }
}
