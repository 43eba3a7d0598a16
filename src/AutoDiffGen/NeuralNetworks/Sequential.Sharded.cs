using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using AutoDiffGen.CompilerServices;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

public sealed partial class Sequential
{
    /// <summary>The fewest hidden units a shard gets; narrower products are not worth a thread.</summary>
    private const int MinimumUnitsPerShard = 32;

    /// <summary>
    /// How many threads train a two-layer model, each on its own slice of the hidden layer; 1 when the model does not
    /// split (more layers, a softmax hidden layer, which couples its units, or too few units).
    /// </summary>
    private int ShardCount()
    {
        int threads = TensorParallelism.MaxThreads;
        if (threads < 2 || _layers.Length != 2 || _layers[0].Activation == Activation.Softmax)
        {
            return 1;
        }
        return Math.Min(threads, _layers[0].Units / MinimumUnitsPerShard);
    }

    /// <summary>
    /// Trains a two-layer model on several threads without sharing a matrix between them: shard s owns columns
    /// [first, first + width) of the hidden layer, that is a slice of the first kernel's columns and bias and the same
    /// rows of the second kernel, and updates only those. Each shard runs the generated <c>Forward</c> halves on its
    /// slice and produces partial logits; after one exchange of those small partials (batch × outputs), every shard
    /// forms the same logits and loss gradient and runs the generated <c>Backward</c> halves on its slice. Only the
    /// read-only batch and the partial logits cross cores, so each core works on its own data (the products run on one
    /// thread each). The first shard also owns the output bias. The result depends on the shard count (the partial
    /// logits are summed in shard order) and on nothing else, so the same seed and thread count give the same weights.
    /// </summary>
    private TrainingHistory TrainSharded(
        ExampleSet train, ExampleSet? validation, int epochs, int batchSize, Random shuffler, bool fused, int shardCount,
        TextWriter? progress, Action<EpochResult>? onEpochEnd)
    {
        var shards = new Shard[shardCount];
        int hidden = _layers[0].Units;
        for (int s = 0; s < shardCount; s++)
        {
            int first = (int)((long)hidden * s / shardCount);
            int end = (int)((long)hidden * (s + 1) / shardCount);
            shards[s] = new Shard(this, s, first, end - first);
        }
        var parameters = new List<Tensor>();
        var gradients = new List<Tensor>();
        foreach (Shard shard in shards)
        {
            shard.FirstParameter = parameters.Count;
            parameters.AddRange(shard.Parameters);
            gradients.AddRange(shard.Gradients);
        }
        var run = new ShardedRun(shards, parameters, gradients, fused, _optimizer!);

        var workers = new Thread[shardCount - 1];
        try
        {
            for (int s = 1; s < shardCount; s++)
            {
                Shard shard = shards[s];
                workers[s - 1] = new Thread(() =>
                {
                    using (TensorParallelism.RunKernelsOnThisThreadOnly())
                    {
                        run.Work(shard);
                    }
                })
                { IsBackground = true, Name = $"AutoDiffGen shard {s}" };
                workers[s - 1].Start();
            }

            return RunEpochs(train, validation, epochs, batchSize, shuffler, workspaceLayers: null, progress, onEpochEnd, batch =>
            {
                // Each shard's products run on its own thread; evaluation between epochs uses every thread again.
                using (TensorParallelism.RunKernelsOnThisThreadOnly())
                {
                    (float loss, Tensor output) = run.Step(batch);
                    return (loss, output, LossProblem(loss) ?? run.Problem);
                }
            },
            beforeWeightsAreRead: run.Gather); // after a divergence no shard updated, so these are the weights from before the step
        }
        finally
        {
            run.Stop();
            foreach (Thread worker in workers)
            {
                worker?.Join();
            }
            run.KeepTrainedWeights();
        }
    }

    /// <summary>The steps all shards take together, and the barrier between their phases.</summary>
    /// <remarks>
    /// A step meets at three barriers: A (the batch is ready), B (every shard's partial logits are ready) and C (every
    /// shard has checked its gradients). Each shard then updates its own slice and goes on to the next A, so a worker's
    /// update overlaps the main thread's copying of the next batch. What has to wait for every update (the optimizer's
    /// step count, and reading the weights) waits for the next A: either the next step's, or one that
    /// <see cref="Synchronize"/> calls for without a step.
    /// </remarks>
    private sealed class ShardedRun(Shard[] shards, List<Tensor> parameters, List<Tensor> gradients, bool fused, Optimizer optimizer)
    {
        private readonly SpinBarrier _barrier = new(shards.Length);

        // Whether round r only synchronizes (no step) is in slot r % 2: the main thread writes the slot of the next round
        // while a slow worker may still be reading the slot of this one.
        private readonly bool[] _synchronizeOnly = new bool[2];
        private long _round;
        private Workspace? _batch;
        private bool _updatePending;
        private bool _updatingOnMain;
        private Exception? _failure;

        /// <summary>The first non-finite gradient any shard found in the last step, or null.</summary>
        public string? Problem { get; private set; }

        /// <summary>Runs one step on all shards (the calling thread is shard 0); returns shard 0's loss and output.</summary>
        public (float Loss, Tensor Output) Step(Workspace batch)
        {
            _batch = batch;
            BeginRound(synchronizeOnly: false); // A: the batch is ready, and every shard has updated its slice for the last step
            optimizer.BeginSharedStep(parameters, gradients);
            Shard self = shards[0];
            RunShard(self, batch, AwaitOnMain);
            Problem = null;
            foreach (Shard shard in shards)
            {
                Problem ??= shard.Problem;
            }
            if (Problem is null && float.IsFinite(self.Loss))
            {
                _updatingOnMain = true;
                optimizer.StepRange(parameters, gradients, self.FirstParameter, self.Parameters.Length);
                _updatingOnMain = false;
                _updatePending = true;
            }
            return (self.Loss, self.Output!);
        }

        /// <summary>Waits until every shard has finished its last update; then the weights may be read.</summary>
        public void Synchronize() => BeginRound(synchronizeOnly: true);

        /// <summary>The loop of shards 1 and up, each on its own thread.</summary>
        public void Work(Shard shard)
        {
            try
            {
                for (long round = 0; ; round++)
                {
                    _barrier.SignalAndWait(); // A
                    if (Volatile.Read(ref _synchronizeOnly[round % 2]))
                    {
                        continue;
                    }
                    RunShard(shard, _batch!, _barrier.SignalAndWait);
                    bool healthy = float.IsFinite(shard.Loss);
                    foreach (Shard other in shards)
                    {
                        healthy &= other.Problem is null;
                    }
                    if (healthy)
                    {
                        optimizer.StepRange(parameters, gradients, shard.FirstParameter, shard.Parameters.Length);
                    }
                }
            }
            catch (Exception exception) when (exception is not BarrierAbortedException)
            {
                _failure = exception;
                _barrier.Abort();
            }
            catch (BarrierAbortedException)
            {
            }
        }

        /// <summary>
        /// Barrier A of the next round, which tells the workers what the round is. Past it, every worker has finished the
        /// last step's update, so that step ends here.
        /// </summary>
        private void BeginRound(bool synchronizeOnly)
        {
            Volatile.Write(ref _synchronizeOnly[_round % 2], synchronizeOnly);
            _round++;
            AwaitOnMain();
            if (_updatePending)
            {
                optimizer.EndSharedStep();
                _updatePending = false;
            }
        }

        /// <summary>Forward on the shard's slice, the exchange of partial logits, then backward on the slice.</summary>
        private void RunShard(Shard shard, Workspace batch, Action await)
        {
            shard.Forward(batch.Inputs);
            await(); // B: every shard's partial logits are ready
            shard.Backward(shards, batch, fused);
            await(); // C: every shard has checked its gradients
        }

        /// <summary>Copies the shards' slices back into the model's layers, once every shard has finished its update.</summary>
        public void Gather()
        {
            Synchronize();
            foreach (Shard shard in shards)
            {
                shard.Gather();
            }
        }

        /// <summary>Releases the worker threads, which wait at barrier A.</summary>
        public void Stop() => _barrier.Abort();

        /// <summary>
        /// Once the workers have exited: ends the last step and copies the shards' slices back into the model, so that
        /// training that stops on an exception between updates (a schedule's invalid rate, a progress writer that throws)
        /// keeps the steps it took. After a failure inside an update a slice may be half-updated, so the model then keeps
        /// the weights it had at the last gathering.
        /// </summary>
        public void KeepTrainedWeights()
        {
            if (_failure is not null || _updatingOnMain)
            {
                return;
            }
            if (_updatePending)
            {
                optimizer.EndSharedStep();
                _updatePending = false;
            }
            foreach (Shard shard in shards)
            {
                shard.Gather();
            }
        }

        /// <summary>Waits at the barrier on the calling thread; a worker's failure surfaces here as the exception it threw.</summary>
        private void AwaitOnMain()
        {
            try
            {
                _barrier.SignalAndWait();
            }
            catch (BarrierAbortedException) when (_failure is not null)
            {
                throw new InvalidOperationException("A training thread failed: " + _failure.Message, _failure);
            }
        }
    }

    /// <summary>A slice of the hidden layer: its weights, their gradients, and the generated halves' states.</summary>
    private sealed class Shard
    {
        private readonly Sequential _model;
        private readonly int _index;
        private readonly int _first;
        private readonly Dense _hiddenLayer;
        private readonly Dense _outputLayer;
        private readonly LayerPass _hiddenPass = new();
        private readonly LayerPass _outputPass = new();
        private object? _outputActivationState;
        private Tensor? _partial;
        private Tensor? _logits;
        private Tensor? _dOutput;
        private Tensor? _dLogits;
        private Tensor? _dHidden;

        public Shard(Sequential model, int index, int first, int width)
        {
            _model = model;
            _index = index;
            _first = first;
            _hiddenLayer = model._layers[0];
            _outputLayer = model._layers[1];
            Tensor kernel = _hiddenLayer.Kernel!;
            Tensor outputKernel = _outputLayer.Kernel!;
            Kernel = Tensor.Zeros(kernel.Rows, width);
            for (int row = 0; row < kernel.Rows; row++)
            {
                kernel.Row(row).Slice(first, width).CopyTo(Kernel.Row(row));
            }
            Bias = Tensor.FromArray(_hiddenLayer.Bias!.AsSpan().Slice(first, width));
            OutputKernel = Tensor.FromArray(width, outputKernel.Columns, outputKernel.AsSpan().Slice(first * outputKernel.Columns, width * outputKernel.Columns));
            // Shard 0 owns the output bias; the others add a zero bias whose gradient nobody asks for.
            OutputBias = index == 0 ? _outputLayer.Bias!.Clone() : Tensor.ZerosLike(_outputLayer.Bias!);
            Parameters = index == 0 ? [Kernel, Bias, OutputKernel, OutputBias] : [Kernel, Bias, OutputKernel];
            Gradients = Array.ConvertAll(Parameters, Tensor.ZerosLike);
        }

        public Tensor Kernel { get; }

        public Tensor Bias { get; }

        public Tensor OutputKernel { get; }

        public Tensor OutputBias { get; }

        public Tensor[] Parameters { get; }

        public Tensor[] Gradients { get; }

        public int FirstParameter { get; set; }

        public float Loss { get; private set; }

        public Tensor? Output { get; private set; }

        public string? Problem { get; private set; }

        /// <summary>The shard's partial logits: its hidden slice times its rows of the output kernel (plus the bias on shard 0).</summary>
        public void Forward(Tensor inputs)
        {
            Tensor h = _hiddenPass.Forward(_hiddenLayer.Activation, inputs, Kernel, Bias);
            // Linear here: the output activation applies to the sum of every shard's partial logits.
            _partial = _outputPass.Forward(Activation.Linear, h, OutputKernel, OutputBias);
        }

        /// <summary>Sums every shard's partial logits (in shard order), takes the loss gradient and runs the slice's backward halves.</summary>
        public void Backward(Shard[] shards, Workspace batch, bool fused)
        {
            foreach (Tensor gradient in Gradients)
            {
                gradient.ClearLazily(); // the weight gradients' products then write them once (see Tensor.ClearLazily)
            }
            _logits = TensorReuse.ZerosLike(_logits, _partial!);
            Span<float> logits = _logits.AsSpan();
            shards[0]._partial!.AsSpan().CopyTo(logits);
            for (int s = 1; s < shards.Length; s++)
            {
                ReadOnlySpan<float> partial = shards[s]._partial!.AsSpan();
                for (int i = 0; i < logits.Length; i++)
                {
                    logits[i] += partial[i];
                }
            }

            bool linearOutput = fused || _outputLayer.Activation == Activation.Linear;
            Output = linearOutput ? _logits : Dense.ActivateForward(_outputLayer.Activation, _logits, ref _outputActivationState);
            _dOutput = TensorReuse.ZerosLike(_dOutput, Output);
            Loss = _model.LossGradient(Output, batch.Labels, batch.Targets, _dOutput, fused);
            Tensor dLogits = _dOutput;
            if (!linearOutput)
            {
                _dLogits = TensorReuse.ZerosLike(_dLogits, _logits);
                Dense.ActivationBackward(_outputLayer.Activation, _outputActivationState!, _dOutput, _dLogits);
                dLogits = _dLogits;
            }

            _dHidden = TensorReuse.Zeros(_dHidden, batch.Rows, Kernel.Columns);
            _outputPass.Backward(dLogits, _dHidden, Gradients[2], _index == 0 ? Gradients[3] : null);
            _hiddenPass.Backward(_dHidden, null, Gradients[0], Gradients[1]);
            Problem = FindNonFinite(Gradients);
            if (Problem is not null)
            {
                Problem += string.Create(CultureInfo.InvariantCulture, $" (the slice of hidden units from {_first} of shard {_index})");
            }
        }

        /// <summary>Writes the slice back into the model's layers.</summary>
        public void Gather()
        {
            Tensor kernel = _hiddenLayer.Kernel!;
            for (int row = 0; row < kernel.Rows; row++)
            {
                Kernel.Row(row).CopyTo(kernel.Row(row).Slice(_first, Kernel.Columns));
            }
            Bias.AsSpan().CopyTo(_hiddenLayer.Bias!.AsSpan().Slice(_first));
            OutputKernel.AsSpan().CopyTo(_outputLayer.Kernel!.AsSpan().Slice(_first * OutputKernel.Columns));
            if (_index == 0)
            {
                OutputBias.AsSpan().CopyTo(_outputLayer.Bias!.AsSpan());
            }
        }
    }

    /// <summary>Thrown in a thread waiting at a <see cref="SpinBarrier"/> that was aborted.</summary>
    private sealed class BarrierAbortedException : Exception
    {
        public BarrierAbortedException()
            : base("The training threads were stopped.")
        {
        }
    }

    /// <summary>
    /// A reusable barrier for a few threads that meet every millisecond or so: spinning costs less than blocking and
    /// waking, and it allocates nothing.
    /// </summary>
    private sealed class SpinBarrier(int participants)
    {
        private int _arrived;
        private volatile int _generation;
        private volatile bool _aborted;

        public void SignalAndWait()
        {
            int generation = _generation;
            if (_aborted)
            {
                throw new BarrierAbortedException();
            }
            if (Interlocked.Increment(ref _arrived) == participants)
            {
                _arrived = 0;
                _generation = generation + 1;
                return;
            }
            var spinner = default(SpinWait);
            while (_generation == generation)
            {
                if (_aborted)
                {
                    throw new BarrierAbortedException();
                }
                spinner.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a millisecond is a whole step
            }
        }

        public void Abort() => _aborted = true;
    }
}
