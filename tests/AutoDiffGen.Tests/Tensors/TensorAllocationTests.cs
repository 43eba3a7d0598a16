using System;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;
using static AutoDiffGen.Tests.Tensors.TensorFiniteDifferences;

namespace AutoDiffGen.Tests.Tensors;

/// <summary>
/// Generated tensor code allocates nothing in steady state: <c>Forward</c> reuses its state's tensors, and a gradient
/// keeps its tensors in a per-thread cache. (Measured on the calling thread, so the products run there too.)
/// </summary>
public class TensorAllocationTests
{
    private static long AllocatedBy(Action action, int repetitions)
    {
        action();
        action(); // the first calls create the tensors, states and caches
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < repetitions; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void A_whole_network_gradient_allocates_nothing_in_steady_state()
    {
        var random = new Random(3);
        Tensor x = Random(random, 8, 12), w1 = Random(random, 12, 16), b1 = Random(random, 0, 16), w2 = Random(random, 16, 4), b2 = Random(random, 0, 4);
        int[] labels = [0, 1, 2, 3, 0, 1, 2, 3];
        Tensor dW1 = Tensor.ZerosLike(w1), dB1 = Tensor.ZerosLike(b1), dW2 = Tensor.ZerosLike(w2), dB2 = Tensor.ZerosLike(b2);
        float sink = 0;
        long bytes = AllocatedBy(() => sink += TensorFunctions.TwoLayerLossGradient(w1, b1, w2, b2, x, labels, dW1, dB1, dW2, dB2), 200);
        Assert.Equal(0, bytes);
        Assert.True(float.IsFinite(sink));
    }

    [Fact]
    public void Forward_reuses_its_state_and_backward_allocates_nothing()
    {
        var random = new Random(4);
        Tensor x = Random(random, 8, 12), w = Random(random, 12, 16), b = Random(random, 0, 16);
        Tensor seed = Random(random, 8, 16), seedCopy = Tensor.ZerosLike(seed), dW = Tensor.ZerosLike(w), dB = Tensor.ZerosLike(b);
        Layers.DenseState? state = null;
        Activations.ReluState? relu = null;
        Tensor first = Activations.ReluForward(Layers.DenseForward(x, w, b, ref state), ref relu);
        Tensor dZ = Tensor.Zeros(8, 16);
        long bytes = AllocatedBy(() =>
        {
            Tensor y = Activations.ReluForward(Layers.DenseForward(x, w, b, ref state), ref relu);
            Assert.Same(first, y); // the previous result's tensor, overwritten
            seed.CopyTo(seedCopy); // Backward consumes its seed
            dZ.Clear();
            Activations.ReluBackward(relu!, seedCopy, dZ);
            Layers.DenseBackward(state!, dZ, null, dW, dB);
        }, 200);
        Assert.Equal(0, bytes);
    }
}
