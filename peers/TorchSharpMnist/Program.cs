// The samples/Mnist model, trained with TorchSharp (libtorch CPU), for a side-by-side timing. See README.md.
//
// Keras program being matched:
//   model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
//   model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
//   model.fit(train_images, train_labels, epochs=5, batch_size=128)
// with samples/Mnist's default learning rate: 0.003, decayed to 0 along a cosine by the last step.
//
// Usage: TorchSharpMnist [--threads N] [--epochs N] [--batch-size N] [--seed N] [--eps X] [--learning-rate X] [--schedule cosine|constant]
using System;
using System.Diagnostics;
using System.Globalization;
using AutoDiffGen.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

int threads = 2, epochs = 5, batchSize = 128, seed = 42;
double eps = 1e-7, learningRate = 0.003;
bool cosine = true;
for (int i = 0; i < args.Length; i++)
{
    string name = args[i];
    if (i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"error: option '{name}' needs a value");
        return 2;
    }
    string value = args[++i];
    switch (name)
    {
        case "--threads": threads = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--batch-size": batchSize = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seed": seed = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--eps": eps = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--learning-rate": learningRate = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--schedule" when value is "cosine" or "constant": cosine = value == "cosine"; break;
        default:
            Console.Error.WriteLine($"error: unknown argument '{name}' or value '{value}'");
            Console.Error.WriteLine("usage: TorchSharpMnist [--threads N] [--epochs N] [--batch-size N] [--seed N] [--eps X] [--learning-rate X] [--schedule cosine|constant]");
            return 2;
    }
}

torch.set_num_threads(threads);
torch.random.manual_seed(seed);

// Data: the whole training set as one [60000, 784] float tensor in [0, 1], labels as int64 (loading is not timed).
MnistDataset data = new MnistLocator().LoadDataset();
(Tensor trainX, Tensor trainY) = ToTensors(data.Train);
(Tensor testX, Tensor testY) = ToTensors(data.Test);
long n = trainX.shape[0];
Console.WriteLine($"Loaded {n} training and {testX.shape[0]} test images; libtorch {torch.__version__}, {torch.get_num_threads()} thread(s).");

// Model: Linear(784, 512) + ReLU + Linear(512, 10), Glorot-uniform weights and zero biases as Keras's Dense.
var fc1 = nn.Linear(784, 512);
var fc2 = nn.Linear(512, 10);
using (torch.no_grad())
{
    nn.init.xavier_uniform_(fc1.weight);
    nn.init.zeros_(fc1.bias);
    nn.init.xavier_uniform_(fc2.weight);
    nn.init.zeros_(fc2.bias);
}
var model = nn.Sequential(("fc1", fc1), ("relu", nn.ReLU()), ("fc2", fc2));

// Keras's RMSprop defaults but the learning rate. Note: torch divides by sqrt(v) + eps, Keras 3 by sqrt(v + eps).
// CosineAnnealingLR stepped once per batch gives step t the rate lr·0.5·(1 + cos(π·t/T)), as AutoDiffGen's CosineDecay.
var optimizer = optim.RMSProp(model.parameters(), lr: learningRate, alpha: 0.9, eps: eps);
long totalSteps = epochs * ((n + batchSize - 1) / batchSize);
var scheduler = cosine ? optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps) : null;
var shuffle = new Generator((ulong)seed);

model.train();
double lastTrainAccuracy = 0;
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= epochs; epoch++)
{
    var epochClock = Stopwatch.StartNew();
    double lossSum = 0;
    long correct = 0;
    using Tensor order = torch.randperm(n, generator: shuffle);
    for (long start = 0; start < n; start += batchSize)
    {
        using var scope = torch.NewDisposeScope();
        long count = Math.Min(batchSize, n - start);
        Tensor index = order.narrow(0, start, count);
        Tensor x = trainX.index_select(0, index);
        Tensor y = trainY.index_select(0, index);

        optimizer.zero_grad();
        Tensor logits = model.forward(x);
        Tensor loss = F.nll_loss(F.log_softmax(logits, 1), y); // cross-entropy on logits, mean over the batch
        loss.backward();
        optimizer.step();
        scheduler?.step();

        // Keras's running metrics: loss and accuracy of each batch before its step.
        lossSum += loss.item<float>() * count;
        correct += logits.argmax(1).eq(y).sum().item<long>();
    }
    lastTrainAccuracy = (double)correct / n;
    Console.WriteLine(Invariant(
        $"Epoch {epoch}/{epochs}: loss {lossSum / n:0.0000}, accuracy {lastTrainAccuracy:0.0000} ({epochClock.Elapsed.TotalSeconds:0.00} s)"));
}
double trainSeconds = clock.Elapsed.TotalSeconds;

model.eval();
double testLoss, testAccuracy;
using (torch.no_grad())
using (var scope = torch.NewDisposeScope())
{
    Tensor logits = model.forward(testX);
    testLoss = F.nll_loss(F.log_softmax(logits, 1), testY).item<float>();
    testAccuracy = logits.argmax(1).eq(testY).sum().item<long>() / (double)testX.shape[0];
}
Console.WriteLine(Invariant($"Test: loss {testLoss:0.0000}, accuracy {testAccuracy:0.0000}"));
Console.WriteLine(Invariant($"train_acc = {lastTrainAccuracy:0.0000}"));
Console.WriteLine(Invariant($"test_acc = {testAccuracy:0.0000}"));
Console.WriteLine(Invariant($"train_seconds = {trainSeconds:0.00}"));
return 0;

static (Tensor Images, Tensor Labels) ToTensors(MnistSplit split)
{
    var pixels = new float[split.Count * MnistSplit.PixelsPerImage];
    split.CopyScaledImages(0, split.Count, pixels);
    var labels = new long[split.Count];
    for (int i = 0; i < labels.Length; i++)
    {
        labels[i] = split.Labels[i];
    }
    return (torch.tensor(pixels, new long[] { split.Count, MnistSplit.PixelsPerImage }), torch.tensor(labels));
}

static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
