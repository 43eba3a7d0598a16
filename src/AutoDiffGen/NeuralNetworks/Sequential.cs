using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using AutoDiffGen.Data;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// A stack of <see cref="Dense"/> layers trained with generated gradients, shaped like Keras' <c>Sequential</c>:
/// <c>Compile</c>, <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every derivative comes from the generator. A training step's forward pass calls the generated
/// <see cref="NeuralNetworks.Layers.DenseForward"/> and the activation's generated <c>Forward</c> half for each layer,
/// each keeping in a per-layer state what its backward half needs; the backward pass calls the loss's generated
/// <c>Gradient</c>, then for each layer from the last to the first the activation's generated <c>Backward</c> and
/// <see cref="NeuralNetworks.Layers.DenseBackward"/>, so nothing is computed twice. (These halves are the generated
/// <c>Pullback</c> split in two.) The first layer passes no input adjoint, so no gradient is computed for the inputs.
/// Inference (<c>Evaluate</c>, <c>Predict</c>) calls the plain methods.
/// </para>
/// <para>
/// When the loss is <see cref="Loss.SparseCategoricalCrossEntropy"/> and the last activation is
/// <see cref="Activation.Softmax"/>, training and evaluation use the fused <see cref="Losses.SoftmaxCrossEntropy"/> on
/// the last layer's logits instead of a softmax followed by the clipped cross-entropy, as Keras does internally: it is
/// numerically stable, its gradient is simply softmax − one-hot, and it does not stall when a probability is clipped.
/// <see cref="Predict(Tensor, int)"/> still returns probabilities.
/// </para>
/// <para>
/// Reproducibility: the weights are drawn from <c>new Random(Seed)</c> and each epoch's shuffle from the same generator
/// (or from the seed given to <c>Fit</c>), and the tensor kernels sum in a fixed order, so the same seed and
/// <see cref="TensorParallelism.MaxThreads"/> give bit-identical weights. A model is not thread-safe.
/// </para>
/// </remarks>
public sealed partial class Sequential
{
    private readonly Dense[] _layers;
    private Random? _random;
    private Loss _loss;
    private Optimizer? _optimizer;
    private bool _accuracy;
    private Tensor[]? _gradients;

    /// <summary>Creates a model from its layers, first to last.</summary>
    /// <param name="layers">At least one layer, each used in no other model.</param>
    /// <exception cref="ArgumentException">There are no layers, a layer is null, or a layer already belongs to a model.</exception>
    public Sequential(params Dense[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
        {
            throw new ArgumentException("A Sequential model needs at least one layer.", nameof(layers));
        }
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null)
            {
                throw new ArgumentException($"Layer {i} is null.", nameof(layers));
            }
            if (layers[i].Owner is not null || Array.IndexOf(layers, layers[i]) != i)
            {
                throw new ArgumentException($"Layer {i} already belongs to a model; create a new Dense for each model and position.", nameof(layers));
            }
        }
        foreach (Dense layer in layers)
        {
            layer.Owner = this;
        }
        _layers = (Dense[])layers.Clone();
    }

    /// <summary>
    /// The seed of the generator that draws the initial weights and, unless <c>Fit</c> is given its own seed, shuffles
    /// the examples; null (the default) for a different model on every run. Set it before the model is built.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Dense> Layers => _layers;

    /// <summary>The number of inputs per example; 0 until the model is built.</summary>
    public int InputWidth => _layers[0].InputWidth;

    /// <summary>The number of outputs per example: the last layer's units.</summary>
    public int OutputWidth => _layers[^1].Units;

    /// <summary>Whether the weights exist (after <see cref="Build"/>, the first <c>Fit</c>, <c>Evaluate</c>, <c>Predict</c> or <see cref="LoadWeights"/>).</summary>
    public bool IsBuilt => _layers[0].IsBuilt;

    /// <summary>Whether <see cref="Compile"/> has been called.</summary>
    public bool IsCompiled => _optimizer is not null;

    /// <summary>The loss given to <see cref="Compile"/>.</summary>
    public Loss Loss => _loss;

    /// <summary>The optimizer given to <see cref="Compile"/>; null before.</summary>
    public Optimizer? Optimizer => _optimizer;

    /// <summary>
    /// Whether training and evaluation use the fused <see cref="Losses.SoftmaxCrossEntropy"/> on the logits: the loss is
    /// sparse categorical cross-entropy and the last activation is softmax.
    /// </summary>
    public bool UsesFusedSoftmaxCrossEntropy => IsCompiled && _loss == Loss.SparseCategoricalCrossEntropy && _layers[^1].Activation == Activation.Softmax;

    /// <summary>The weights with their names (<c>dense_0/kernel</c>, <c>dense_0/bias</c>, <c>dense_1/kernel</c>, …), as saved by <see cref="SaveWeights"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedWeights
    {
        get
        {
            RequireBuilt("list the weights");
            var weights = new List<KeyValuePair<string, Tensor>>(2 * _layers.Length);
            for (int i = 0; i < _layers.Length; i++)
            {
                weights.Add(new(string.Create(CultureInfo.InvariantCulture, $"dense_{i}/kernel"), _layers[i].Kernel!));
                weights.Add(new(string.Create(CultureInfo.InvariantCulture, $"dense_{i}/bias"), _layers[i].Bias!));
            }
            return weights;
        }
    }

    /// <summary>Sets the loss, the optimizer and the metrics, as Keras' <c>compile</c> does. May be called again to change them.</summary>
    /// <param name="loss">The loss to minimize.</param>
    /// <param name="optimizer">The optimizer that applies the gradients; it keeps state for this model's weights, so give each model its own.</param>
    /// <param name="metrics">The metrics to report besides the loss; null or empty for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loss"/> or a metric is unknown.</exception>
    public void Compile(Loss loss, Optimizer optimizer, IReadOnlyList<Metric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        }
        bool accuracy = false;
        foreach (Metric metric in metrics ?? [])
        {
            accuracy |= metric == Metric.Accuracy
                ? true
                : throw new ArgumentOutOfRangeException(nameof(metrics), metric, "Unknown metric.");
        }
        _loss = loss;
        _optimizer = optimizer;
        _accuracy = accuracy;
    }

    /// <summary>Creates the weights for inputs of <paramref name="inputWidth"/> features, if they do not exist yet.</summary>
    /// <param name="inputWidth">The number of inputs per example.</param>
    /// <exception cref="ArgumentException">The model is already built for another width.</exception>
    public void Build(int inputWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        if (IsBuilt)
        {
            if (inputWidth != InputWidth)
            {
                throw new ArgumentException(
                    $"The model was built for inputs of {InputWidth} features, not {inputWidth}.", nameof(inputWidth));
            }
            return;
        }
        Random random = GetRandom();
        int width = inputWidth;
        foreach (Dense layer in _layers)
        {
            layer.Build(width, random);
            width = layer.Units;
        }
    }

    /// <summary>
    /// Trains on <paramref name="x"/> with class indices <paramref name="y"/> (for <see cref="Loss.SparseCategoricalCrossEntropy"/>),
    /// as Keras' <c>fit</c> does: every epoch reshuffles the examples and takes one optimizer step per batch.
    /// </summary>
    /// <param name="x">The inputs, one example per row: [count, features].</param>
    /// <param name="y">The class of each example, from 0 to <see cref="OutputWidth"/> − 1.</param>
    /// <param name="epochs">How many passes over the data; at least 1.</param>
    /// <param name="batchSize">Examples per step; the last batch of an epoch may be smaller.</param>
    /// <param name="validationX">Inputs to evaluate after each epoch; null for none.</param>
    /// <param name="validationY">The classes of <paramref name="validationX"/>.</param>
    /// <param name="seed">Seeds the shuffling; null to use the model's generator (see <see cref="Seed"/>).</param>
    /// <param name="progress">Receives a Keras-style line after each epoch (<see cref="EpochResult.ToProgressLine"/>); null for none.</param>
    /// <param name="onEpochEnd">Called after each epoch; null for none.</param>
    /// <returns>The loss and metrics of every epoch.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is compiled with a loss that needs target tensors.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together or a label is out of range; the message names the shapes.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite; the weights are those from before that step.</exception>
    public TrainingHistory Fit(
        Tensor x, int[] y, int epochs = 1, int batchSize = 32, Tensor? validationX = null, int[]? validationY = null,
        int? seed = null, TextWriter? progress = null, Action<EpochResult>? onEpochEnd = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        ExampleSet train = ExampleSet.FromTensor(x, nameof(x), y, null, nameof(y));
        ExampleSet? validation = Validation(validationX, validationY, null);
        return Train(train, validation, epochs, batchSize, seed, progress, onEpochEnd);
    }

    /// <summary>
    /// Trains on <paramref name="x"/> with target rows <paramref name="y"/> (for <see cref="Loss.MeanSquaredError"/> and
    /// <see cref="Loss.CategoricalCrossEntropy"/>); otherwise like the overload with class indices.
    /// </summary>
    /// <param name="x">The inputs, one example per row: [count, features].</param>
    /// <param name="y">The targets, one row per example: [count, <see cref="OutputWidth"/>].</param>
    /// <param name="epochs">How many passes over the data; at least 1.</param>
    /// <param name="batchSize">Examples per step; the last batch of an epoch may be smaller.</param>
    /// <param name="validationX">Inputs to evaluate after each epoch; null for none.</param>
    /// <param name="validationY">The targets of <paramref name="validationX"/>.</param>
    /// <param name="seed">Seeds the shuffling; null to use the model's generator (see <see cref="Seed"/>).</param>
    /// <param name="progress">Receives a Keras-style line after each epoch; null for none.</param>
    /// <param name="onEpochEnd">Called after each epoch; null for none.</param>
    /// <returns>The loss and metrics of every epoch.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is compiled with a loss that needs class indices.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together; the message names them.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite; the weights are those from before that step.</exception>
    public TrainingHistory Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, Tensor? validationX = null, Tensor? validationY = null,
        int? seed = null, TextWriter? progress = null, Action<EpochResult>? onEpochEnd = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        ExampleSet train = ExampleSet.FromTensor(x, nameof(x), null, y, nameof(y));
        ExampleSet? validation = Validation(validationX, null, validationY);
        return Train(train, validation, epochs, batchSize, seed, progress, onEpochEnd);
    }

    /// <summary>
    /// Trains on an MNIST-style split, converting each batch's byte pixels to floats as it is copied (scaled to [0, 1],
    /// or 0–255 with <paramref name="rawPixels"/>), so the images never need one large float copy.
    /// </summary>
    /// <param name="data">The training images and labels.</param>
    /// <param name="epochs">How many passes over the data; at least 1.</param>
    /// <param name="batchSize">Examples per step; the last batch of an epoch may be smaller.</param>
    /// <param name="validationData">A split to evaluate after each epoch; null for none.</param>
    /// <param name="rawPixels">Feed the pixels unscaled, 0–255, as the Keras program without scaling does.</param>
    /// <param name="seed">Seeds the shuffling; null to use the model's generator (see <see cref="Seed"/>).</param>
    /// <param name="progress">Receives a Keras-style line after each epoch; null for none.</param>
    /// <param name="onEpochEnd">Called after each epoch; null for none.</param>
    /// <returns>The loss and metrics of every epoch.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled with <see cref="Loss.SparseCategoricalCrossEntropy"/>.</exception>
    /// <exception cref="ArgumentException">The model's input or output width does not fit 784 pixels and 10 classes.</exception>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite; the weights are those from before that step.</exception>
    public TrainingHistory Fit(
        MnistSplit data, int epochs = 1, int batchSize = 32, MnistSplit? validationData = null, bool rawPixels = false,
        int? seed = null, TextWriter? progress = null, Action<EpochResult>? onEpochEnd = null)
    {
        ExampleSet train = ExampleSet.FromMnist(data, rawPixels);
        ExampleSet? validation = validationData is null ? null : ExampleSet.FromMnist(validationData, rawPixels);
        return Train(train, validation, epochs, batchSize, seed, progress, onEpochEnd);
    }

    /// <summary>The mean loss and the accuracy on <paramref name="x"/> with class indices <paramref name="y"/>, as Keras' <c>evaluate</c>.</summary>
    /// <param name="x">The inputs, one example per row.</param>
    /// <param name="y">The class of each example.</param>
    /// <param name="batchSize">Examples per forward pass; it affects speed and memory, not the result.</param>
    /// <returns>The loss and, if compiled with it, the accuracy.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is compiled with a loss that needs target tensors.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together or a label is out of range.</exception>
    public EvaluationResult Evaluate(Tensor x, int[] y, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Evaluate(ExampleSet.FromTensor(x, nameof(x), y, null, nameof(y)), batchSize);
    }

    /// <summary>The mean loss and the accuracy on <paramref name="x"/> with target rows <paramref name="y"/>.</summary>
    /// <param name="x">The inputs, one example per row.</param>
    /// <param name="y">The targets, one row per example.</param>
    /// <param name="batchSize">Examples per forward pass; it affects speed and memory, not the result.</param>
    /// <returns>The loss and, if compiled with it, the accuracy.</returns>
    /// <exception cref="InvalidOperationException">The model is not compiled, or is compiled with a loss that needs class indices.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(y);
        return Evaluate(ExampleSet.FromTensor(x, nameof(x), null, y, nameof(y)), batchSize);
    }

    /// <summary>The mean loss and the accuracy on an MNIST-style split, its pixels converted batch by batch.</summary>
    /// <param name="data">The images and labels.</param>
    /// <param name="rawPixels">Feed the pixels unscaled, 0–255; use what the model was trained with.</param>
    /// <param name="batchSize">Examples per forward pass; it affects speed and memory, not the result.</param>
    /// <returns>The loss and, if compiled with it, the accuracy.</returns>
    public EvaluationResult Evaluate(MnistSplit data, bool rawPixels = false, int batchSize = 128) =>
        Evaluate(ExampleSet.FromMnist(data, rawPixels), batchSize);

    /// <summary>The model's outputs for <paramref name="x"/> (probabilities when the last activation is softmax), as Keras' <c>predict</c>.</summary>
    /// <param name="x">The inputs, one example per row: [count, features].</param>
    /// <param name="batchSize">Examples per forward pass; it affects speed and memory, not the result.</param>
    /// <returns>A new [count, <see cref="OutputWidth"/>] tensor.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a matrix or does not have the model's input width.</exception>
    public Tensor Predict(Tensor x, int batchSize = 128)
    {
        ExampleSet data = ExampleSet.FromTensor(x, nameof(x), null, null, "y");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        BuildFor(data);
        Tensor predictions = Tensor.Zeros(data.Count, OutputWidth);
        var indices = Enumerable.Range(0, data.Count).ToArray();
        Tensor? batch = null;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, data.Count - start);
            if (batch is null || batch.Rows != rows)
            {
                batch = Tensor.Zeros(rows, data.Features);
            }
            data.CopyInputs(indices.AsSpan(start, rows), batch);
            Tensor output = Forward(batch, fused: false);
            output.AsSpan().CopyTo(predictions.AsSpan().Slice(start * OutputWidth, rows * OutputWidth));
        }
        return predictions;
    }

    /// <summary>Writes the weights to <paramref name="path"/> with <see cref="WeightFile"/>, named as in <see cref="NamedWeights"/>.</summary>
    /// <param name="path">The file to write; it is replaced atomically.</param>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    public void SaveWeights(string path)
    {
        RequireBuilt("save its weights");
        WeightFile.Save(path, NamedWeights);
    }

    /// <summary>
    /// Reads weights saved by <see cref="SaveWeights"/> into this model. An unbuilt model is first built for the input
    /// width of the file's first kernel.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <exception cref="ArgumentException">The file's names or shapes differ from this model's; nothing is changed.</exception>
    /// <exception cref="InvalidDataException">The file is not a weight file or is corrupt; nothing is changed.</exception>
    public void LoadWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsBuilt)
        {
            IReadOnlyList<KeyValuePair<string, Tensor>> saved = WeightFile.Load(path);
            KeyValuePair<string, Tensor> kernel = saved.FirstOrDefault(entry => entry.Key == "dense_0/kernel");
            if (kernel.Value is null || kernel.Value.Rank != 2)
            {
                throw new ArgumentException($"Weight file '{path}' has no matrix named dense_0/kernel, so the model's input width is unknown.", nameof(path));
            }
            Build(kernel.Value.Rows);
        }
        WeightFile.LoadInto(path, NamedWeights);
    }

    private ExampleSet? Validation(Tensor? x, int[]? labels, Tensor? targets)
    {
        bool hasY = labels is not null || targets is not null;
        if (x is null && !hasY)
        {
            return null;
        }
        if (x is null || !hasY)
        {
            throw new ArgumentException("Give both validationX and validationY, or neither.", x is null ? "validationX" : "validationY");
        }
        return ExampleSet.FromTensor(x, "validationX", labels, targets, "validationY");
    }

    private TrainingHistory Train(
        ExampleSet train, ExampleSet? validation, int epochs, int batchSize, int? seed, TextWriter? progress, Action<EpochResult>? onEpochEnd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        RequireCompiled("Fit");
        CheckTargets(train);
        if (validation is not null)
        {
            CheckTargets(validation);
        }
        BuildFor(train);
        if (validation is not null)
        {
            BuildFor(validation);
        }

        Random shuffler = seed is int s ? new Random(s) : GetRandom();
        bool fused = UsesFusedSoftmaxCrossEntropy;
        int shardCount = ShardCount();
        if (shardCount > 1)
        {
            return TrainSharded(train, validation, epochs, batchSize, shuffler, fused, shardCount, progress, onEpochEnd);
        }
        IReadOnlyList<Tensor> parameters = Parameters();
        Tensor[] gradients = _gradients ??= parameters.Select(Tensor.ZerosLike).ToArray();
        return RunEpochs(train, validation, epochs, batchSize, shuffler, _layers, progress, onEpochEnd, workspace =>
        {
            float loss = TrainingStep(workspace, gradients, fused, out Tensor output);
            string? problem = LossProblem(loss) ?? FindNonFinite(gradients);
            if (problem is null)
            {
                _optimizer!.Step(parameters, gradients);
            }
            return (loss, output, problem);
        });
    }

    /// <summary>
    /// One training step on the batch in the workspace: its loss, the output the accuracy reads, and what was not
    /// finite (then nothing was updated), or null.
    /// </summary>
    private delegate (float Loss, Tensor Output, string? Problem) TrainingStepFunction(Workspace batch);

    /// <summary>
    /// The epochs of <c>Fit</c>: each reshuffles, copies every batch into a workspace (one per batch size, reused) and
    /// takes a <paramref name="step"/>, then reports the epoch. A step that finds a non-finite value stops training.
    /// </summary>
    /// <remarks>
    /// <c>workspaceLayers</c> are the layers whose per-layer buffers each workspace holds (null for none);
    /// <c>beforeWeightsAreRead</c> brings the layers' weights up to date before evaluation or a divergence stop.
    /// </remarks>
    private TrainingHistory RunEpochs(
        ExampleSet train, ExampleSet? validation, int epochs, int batchSize, Random shuffler, Dense[]? workspaceLayers,
        TextWriter? progress, Action<EpochResult>? onEpochEnd, TrainingStepFunction step, Action? beforeWeightsAreRead = null)
    {
        int steps = (train.Count + batchSize - 1) / batchSize;
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        // One workspace for full batches and one for the smaller last batch, each reused every epoch.
        var workspaces = new Dictionary<int, Workspace>();
        var epochResults = new List<EpochResult>(epochs);

        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            shuffler.Shuffle(order);
            var stopwatch = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0;
            for (int stepNumber = 1; stepNumber <= steps; stepNumber++)
            {
                int start = (stepNumber - 1) * batchSize;
                int rows = Math.Min(batchSize, train.Count - start);
                if (!workspaces.TryGetValue(rows, out Workspace? workspace))
                {
                    workspace = new Workspace(rows, train, workspaceLayers);
                    workspaces[rows] = workspace;
                }
                ReadOnlySpan<int> indices = order.AsSpan(start, rows);
                train.CopyInputs(indices, workspace.Inputs);
                train.CopyTargets(indices, workspace.Labels, workspace.Targets);

                (float loss, Tensor output, string? problem) = step(workspace);
                if (problem is not null)
                {
                    beforeWeightsAreRead?.Invoke();
                    throw new TrainingDivergedException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"Training diverged at epoch {epoch}/{epochs}, step {stepNumber}/{steps}: {problem}. ") +
                        "The model keeps the weights from before this step; try a smaller learning rate or scaled inputs.",
                        epoch, stepNumber, steps);
                }
                lossSum += (double)loss * rows;
                if (_accuracy)
                {
                    correct += CountCorrect(output, workspace.Labels, workspace.Targets);
                }
            }
            double seconds = stopwatch.Elapsed.TotalSeconds;

            beforeWeightsAreRead?.Invoke();
            EvaluationResult? validationResult = validation is null ? null : Evaluate(validation, batchSize);
            var result = new EpochResult(
                epoch, epochs, steps, lossSum / train.Count, _accuracy ? (double)correct / train.Count : null,
                validationResult?.Loss, validationResult?.Accuracy, seconds);
            epochResults.Add(result);
            progress?.WriteLine(result.ToProgressLine());
            onEpochEnd?.Invoke(result);
        }
        return new TrainingHistory(epochResults.AsReadOnly());
    }

    /// <summary>"the loss is NaN" (or ∞) when the loss is not finite; null otherwise.</summary>
    private static string? LossProblem(float loss) =>
        float.IsFinite(loss) ? null : $"the loss is {loss.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// One forward and backward pass over a batch: overwrites <paramref name="gradients"/> with the gradient of the
    /// batch's mean loss and returns that loss. Every derivative is a generated Gradient or Backward half.
    /// </summary>
    private float TrainingStep(Workspace workspace, Tensor[] gradients, bool fused, out Tensor output)
    {
        // The pullbacks add into their adjoints, so every adjoint starts from zero; lazily, so that the weight
        // gradient's product writes it once instead of adding into a cleared one.
        foreach (Tensor gradient in gradients)
        {
            gradient.ClearLazily();
        }
        output = TrainingForward(workspace, fused);

        int last = _layers.Length - 1;
        Tensor dOutput = workspace.OutputAdjoints[last];
        float loss = LossGradient(output, workspace.Labels, workspace.Targets, dOutput, fused);

        for (int i = last; i >= 0; i--)
        {
            // The first layer's input is the data: no adjoint, so its backward pass skips the x-side product.
            Tensor? dInput = i == 0 ? null : workspace.OutputAdjoints[i - 1];
            dInput?.ClearLazily();
            workspace.Passes[i].Backward(workspace.OutputAdjoints[i], dInput, gradients[2 * i], gradients[(2 * i) + 1]);
        }
        return loss;
    }

    /// <summary>The loss of <paramref name="output"/> (logits when fused), with its generated gradient written into <paramref name="dOutput"/>.</summary>
    private float LossGradient(Tensor output, int[]? labels, Tensor? targets, Tensor dOutput, bool fused) => _loss switch
    {
        _ when fused => Losses.SoftmaxCrossEntropyGradient(output, labels!, dOutput),
        Loss.SparseCategoricalCrossEntropy => Losses.SparseCategoricalCrossEntropyGradient(output, labels!, dOutput),
        Loss.CategoricalCrossEntropy => Losses.CategoricalCrossEntropyGradient(output, targets!, dOutput),
        Loss.MeanSquaredError => Losses.MeanSquaredErrorGradient(output, targets!, dOutput),
        _ => throw new InvalidOperationException($"Unknown loss {_loss}."),
    };

    private float LossValue(Tensor output, int[]? labels, Tensor? targets, bool fused) => _loss switch
    {
        _ when fused => Losses.SoftmaxCrossEntropy(output, labels!),
        Loss.SparseCategoricalCrossEntropy => Losses.SparseCategoricalCrossEntropy(output, labels!),
        Loss.CategoricalCrossEntropy => Losses.CategoricalCrossEntropy(output, targets!),
        Loss.MeanSquaredError => Losses.MeanSquaredError(output, targets!),
        _ => throw new InvalidOperationException($"Unknown loss {_loss}."),
    };

    /// <summary>
    /// The forward pass for inference; when <paramref name="fused"/>, the last layer's softmax is skipped and its
    /// logits returned.
    /// </summary>
    private Tensor Forward(Tensor inputs, bool fused)
    {
        Tensor a = inputs;
        for (int i = 0; i < _layers.Length; i++)
        {
            Dense layer = _layers[i];
            Tensor z = NeuralNetworks.Layers.Dense(a, layer.Kernel!, layer.Bias!);
            a = fused && i == _layers.Length - 1 ? z : Dense.Activate(layer.Activation, z);
        }
        return a;
    }

    /// <summary>
    /// The forward pass of a training step, through the generated <c>Forward</c> halves, which keep in the workspace's
    /// per-layer states what the <c>Backward</c> halves need. When <paramref name="fused"/>, returns the logits.
    /// </summary>
    private Tensor TrainingForward(Workspace workspace, bool fused)
    {
        Tensor a = workspace.Inputs;
        for (int i = 0; i < _layers.Length; i++)
        {
            Dense layer = _layers[i];
            // With the fused loss, the last layer's softmax is part of the loss: its pass stops at the logits.
            Activation activation = fused && i == _layers.Length - 1 ? Activation.Linear : layer.Activation;
            a = workspace.Passes[i].Forward(activation, a, layer.Kernel!, layer.Bias!);
        }
        return a;
    }

    private EvaluationResult Evaluate(ExampleSet data, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        RequireCompiled("Evaluate");
        CheckTargets(data);
        BuildFor(data);
        bool fused = UsesFusedSoftmaxCrossEntropy;
        var indices = Enumerable.Range(0, data.Count).ToArray();
        double lossSum = 0;
        long correct = 0;
        Workspace? workspace = null;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int rows = Math.Min(batchSize, data.Count - start);
            if (workspace is null || workspace.Rows != rows)
            {
                workspace = new Workspace(rows, data, layers: null);
            }
            ReadOnlySpan<int> batch = indices.AsSpan(start, rows);
            data.CopyInputs(batch, workspace.Inputs);
            data.CopyTargets(batch, workspace.Labels, workspace.Targets);
            Tensor output = Forward(workspace.Inputs, fused);
            lossSum += (double)LossValue(output, workspace.Labels, workspace.Targets, fused) * rows;
            if (_accuracy)
            {
                correct += CountCorrect(output, workspace.Labels, workspace.Targets);
            }
        }
        return new EvaluationResult(lossSum / data.Count, _accuracy ? (double)correct / data.Count : null, data.Count);
    }

    /// <summary>Counts the rows whose largest output is the true class (see <see cref="Metric.Accuracy"/>).</summary>
    private static int CountCorrect(Tensor output, int[]? labels, Tensor? targets)
    {
        int correct = 0;
        for (int row = 0; row < output.Rows; row++)
        {
            Span<float> values = output.Row(row);
            bool hit;
            if (labels is not null)
            {
                hit = ArgMax(values) == labels[row];
            }
            else if (values.Length == 1)
            {
                hit = values[0] >= 0.5f == targets![row, 0] >= 0.5f;
            }
            else
            {
                hit = ArgMax(values) == ArgMax(targets!.Row(row));
            }
            correct += hit ? 1 : 0;
        }
        return correct;
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }

    private static string? FindNonFinite(Tensor[] gradients)
    {
        for (int p = 0; p < gradients.Length; p++)
        {
            Span<float> values = gradients[p].AsSpan();
            if (AllFinite(values))
            {
                continue; // the common case, checked with SIMD; the element is looked for only when there is one
            }
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    string what = p % 2 == 0 ? "kernel" : "bias";
                    return string.Create(CultureInfo.InvariantCulture,
                        $"the gradient of dense_{p / 2}/{what} holds {values[i]} at element {i}");
                }
            }
        }
        return null;
    }

    /// <summary>Whether every value is finite: x · 0 is 0 for a finite x and NaN for an infinity or a NaN, so the sum tells.</summary>
    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        var products = Vector<float>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            products += new Vector<float>(values.Slice(i)) * Vector<float>.Zero;
        }
        float sum = Vector.Sum(products);
        for (; i < values.Length; i++)
        {
            sum += values[i] * 0f;
        }
        return sum == 0f;
    }

    private IReadOnlyList<Tensor> Parameters()
    {
        var parameters = new Tensor[2 * _layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            parameters[2 * i] = _layers[i].Kernel!;
            parameters[(2 * i) + 1] = _layers[i].Bias!;
        }
        return parameters;
    }

    private void CheckTargets(ExampleSet data)
    {
        bool wantsLabels = _loss == Loss.SparseCategoricalCrossEntropy;
        if (wantsLabels && data.Labels is null)
        {
            throw new InvalidOperationException(
                $"The model is compiled with {_loss}, which takes class indices: pass y as an int[] with one class per example, not a tensor.");
        }
        if (!wantsLabels && data.Targets is null)
        {
            throw new InvalidOperationException(
                $"The model is compiled with {_loss}, which takes target rows: pass y as a [count, {OutputWidth}] tensor, not class indices.");
        }
        if (data.Labels is int[] labels)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)OutputWidth)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"Label {i} of {data.Name}'s targets is {labels[i]}, but the last layer has {OutputWidth} units, so labels must be from 0 to {OutputWidth - 1}."),
                        "y");
                }
            }
        }
        else if (data.Targets is Tensor targets && targets.Columns != OutputWidth)
        {
            throw new ArgumentException(
                $"The targets have shape {targets.ShapeText}, but the last layer has {OutputWidth} units, so each target row needs {OutputWidth} values.",
                "y");
        }
    }

    private void BuildFor(ExampleSet data)
    {
        if (!IsBuilt)
        {
            Build(data.Features);
        }
        else if (data.Features != InputWidth)
        {
            throw new ArgumentException(
                $"{data.Name} has shape {data.ShapeText}, but the model was built for inputs of {InputWidth} features ([count, {InputWidth}]).",
                data.Name.StartsWith("the ", StringComparison.Ordinal) ? "data" : data.Name);
        }
    }

    private Random GetRandom() => _random ??= Seed is int seed ? new Random(seed) : new Random();

    private void RequireCompiled(string operation)
    {
        if (!IsCompiled)
        {
            throw new InvalidOperationException($"Call Compile(loss, optimizer, metrics) before {operation}: the model has no loss and no optimizer yet.");
        }
    }

    private void RequireBuilt(string operation)
    {
        if (!IsBuilt)
        {
            throw new InvalidOperationException(
                $"The model has no weights yet, so it cannot {operation}: call Build(inputWidth), Fit, Predict or LoadWeights first.");
        }
    }

    /// <summary>The tensors one batch size needs, reused for every batch of that size.</summary>
    private sealed class Workspace
    {
        public Workspace(int rows, ExampleSet data, Dense[]? layers)
        {
            Rows = rows;
            Inputs = Tensor.Zeros(rows, data.Features);
            if (data.Labels is not null)
            {
                Labels = new int[rows];
            }
            else
            {
                Targets = Tensor.Zeros(rows, data.Targets!.Columns);
            }

            int count = layers?.Length ?? 0;
            Passes = new LayerPass[count];
            OutputAdjoints = new Tensor[count];
            for (int i = 0; i < count; i++)
            {
                Passes[i] = new LayerPass();
                OutputAdjoints[i] = Tensor.Zeros(rows, layers![i].Units);
            }
        }

        public int Rows { get; }

        public Tensor Inputs { get; }

        public int[]? Labels { get; }

        public Tensor? Targets { get; }

        /// <summary>Each layer's generated Forward and Backward halves and what they keep; reused every step.</summary>
        public LayerPass[] Passes { get; }

        public Tensor[] OutputAdjoints { get; }
    }
}
