using System;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using BenchmarkDotNet.Attributes;

namespace AutoDiffGen.Benchmarks;

/// <summary>
/// One MNIST training step's gradient (batch 128, 784 → 512 relu → 10, softmax cross-entropy): the generator's
/// <see cref="MnistNetwork.LossGradient"/> against <see cref="HandWrittenMnistStep"/>, which calls the same kernels
/// (Gemm) with every derivative written by hand and every buffer allocated once. The ratio is the generated code's
/// overhead; the goal is 1.05 or less.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private MnistStepInputs _inputs = null!;
    private HandWrittenMnistStep _hand = null!;

    /// <summary>The value of <see cref="TensorParallelism.MaxThreads"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        TensorParallelism.MaxThreads = Threads;
        _inputs = new MnistStepInputs(new Random(7));
        _hand = new HandWrittenMnistStep();
    }

    [Benchmark(Baseline = true, Description = "hand-written backward, same kernels")]
    public float HandWritten() => _hand.LossGradient(_inputs);

    [Benchmark(Description = "generated LossGradient")]
    public float Generated() =>
        MnistNetwork.LossGradient(_inputs.W1, _inputs.B1, _inputs.W2, _inputs.B2, _inputs.Images, _inputs.Labels,
            _inputs.DW1, _inputs.DB1, _inputs.DW2, _inputs.DB2);

    [Benchmark(Description = "generated, bias and ReLU as two layers")]
    public float GeneratedUnfused() =>
        MnistNetwork.UnfusedLossGradient(_inputs.W1, _inputs.B1, _inputs.W2, _inputs.B2, _inputs.Images, _inputs.Labels,
            _inputs.DW1, _inputs.DB1, _inputs.DW2, _inputs.DB2);
}

/// <summary>The MNIST model's loss as one [Differentiable] method, as a user of the library writes it.</summary>
public static partial class MnistNetwork
{
    /// <summary>With the library's ReLU layer, which adds the bias and applies the ReLU in one pass, as the hand-written step does.</summary>
    [Differentiable]
    public static float Loss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, [NoDerivative] Tensor images, [NoDerivative] int[] labels) =>
        Losses.SoftmaxCrossEntropy(Layers.Dense(Layers.DenseRelu(images, w1, b1), w2, b2), labels);

    /// <summary>The same loss with the bias and the ReLU as separate layers, each its own pass forward and backward.</summary>
    [Differentiable]
    public static float UnfusedLoss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, [NoDerivative] Tensor images, [NoDerivative] int[] labels) =>
        Losses.SoftmaxCrossEntropy(Layers.Dense(Activations.Relu(Layers.Dense(images, w1, b1)), w2, b2), labels);
}

/// <summary>A batch, the weights and their gradient buffers.</summary>
public sealed class MnistStepInputs
{
    public const int Batch = 128;
    public const int Pixels = 784;
    public const int Hidden = 512;
    public const int Classes = 10;

    public MnistStepInputs(Random random)
    {
        Images = Fill(Tensor.Zeros(Batch, Pixels), random, 0f, 1f);
        W1 = Fill(Tensor.Zeros(Pixels, Hidden), random, -0.07f, 0.07f);
        B1 = Fill(Tensor.Zeros(Hidden), random, -0.01f, 0.01f);
        W2 = Fill(Tensor.Zeros(Hidden, Classes), random, -0.1f, 0.1f);
        B2 = Fill(Tensor.Zeros(Classes), random, -0.01f, 0.01f);
        Labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            Labels[i] = random.Next(Classes);
        }
        DW1 = Tensor.ZerosLike(W1);
        DB1 = Tensor.ZerosLike(B1);
        DW2 = Tensor.ZerosLike(W2);
        DB2 = Tensor.ZerosLike(B2);
    }

    public Tensor Images { get; }
    public int[] Labels { get; }
    public Tensor W1 { get; }
    public Tensor B1 { get; }
    public Tensor W2 { get; }
    public Tensor B2 { get; }
    public Tensor DW1 { get; }
    public Tensor DB1 { get; }
    public Tensor DW2 { get; }
    public Tensor DB2 { get; }

    private static Tensor Fill(Tensor tensor, Random random, float low, float high)
    {
        for (int i = 0; i < tensor.Length; i++)
        {
            tensor[i] = low + (high - low) * random.NextSingle();
        }
        return tensor;
    }
}

/// <summary>
/// The same gradient written by hand, as a C programmer on a BLAS would: Gemm for the products, one fused loop each for
/// bias + ReLU, the softmax cross-entropy gradient and the ReLU mask, and no allocation after construction.
/// </summary>
public sealed class HandWrittenMnistStep
{
    private readonly Tensor _hidden = Tensor.Zeros(MnistStepInputs.Batch, MnistStepInputs.Hidden);
    private readonly Tensor _logits = Tensor.Zeros(MnistStepInputs.Batch, MnistStepInputs.Classes);
    private readonly Tensor _dLogits = Tensor.Zeros(MnistStepInputs.Batch, MnistStepInputs.Classes);
    private readonly Tensor _dHidden = Tensor.Zeros(MnistStepInputs.Batch, MnistStepInputs.Hidden);

    public float LossGradient(MnistStepInputs p)
    {
        int batch = p.Images.Rows, hidden = p.W1.Columns, classes = p.W2.Columns;
        Span<float> h = _hidden.AsSpan(), logits = _logits.AsSpan(), dLogits = _dLogits.AsSpan(), dH = _dHidden.AsSpan();
        ReadOnlySpan<float> b1 = p.B1.AsSpan(), b2 = p.B2.AsSpan();

        // h = relu(X·W1 + b1)
        Gemm.AB(p.Images, p.W1, _hidden, accumulate: false);
        for (int r = 0; r < batch; r++)
        {
            Span<float> row = h.Slice(r * hidden, hidden);
            for (int c = 0; c < hidden; c++)
            {
                row[c] = MathF.Max(row[c] + b1[c], 0f);
            }
        }
        // logits = h·W2 + b2; loss and dLogits = (softmax − onehot) / batch
        Gemm.AB(_hidden, p.W2, _logits, accumulate: false);
        float total = 0f;
        for (int r = 0; r < batch; r++)
        {
            Span<float> row = logits.Slice(r * classes, classes);
            Span<float> dRow = dLogits.Slice(r * classes, classes);
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                row[c] += b2[c];
                max = MathF.Max(max, row[c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++)
            {
                dRow[c] = MathF.Exp(row[c] - max);
                sum += dRow[c];
            }
            total += MathF.Log(sum) - (row[p.Labels[r]] - max);
            for (int c = 0; c < classes; c++)
            {
                dRow[c] = dRow[c] / sum / batch;
            }
            dRow[p.Labels[r]] -= 1f / batch;
        }
        // dW2 = hᵀ·dLogits, dB2 = column sums, dH = dLogits·W2ᵀ masked by relu
        Gemm.AtB(_hidden, _dLogits, p.DW2, accumulate: false);
        Span<float> db2 = p.DB2.AsSpan();
        db2.Clear();
        for (int r = 0; r < batch; r++)
        {
            for (int c = 0; c < classes; c++)
            {
                db2[c] += dLogits[r * classes + c];
            }
        }
        Gemm.ABt(_dLogits, p.W2, _dHidden, accumulate: false);
        Span<float> db1 = p.DB1.AsSpan();
        db1.Clear();
        for (int r = 0; r < batch; r++)
        {
            Span<float> dRow = dH.Slice(r * hidden, hidden);
            ReadOnlySpan<float> hRow = h.Slice(r * hidden, hidden);
            for (int c = 0; c < hidden; c++)
            {
                float masked = hRow[c] > 0f ? dRow[c] : 0f;
                dRow[c] = masked;
                db1[c] += masked;
            }
        }
        // dW1 = Xᵀ·dH (no gradient for the images)
        Gemm.AtB(p.Images, _dHidden, p.DW1, accumulate: false);
        return total / batch;
    }
}
