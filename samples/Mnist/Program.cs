using System;
using MnistSample;

// Usage: Mnist [--epochs N] [--batch-size N] [--seed N] [--data DIR] [--threads N] [--raw-pixels] [--plot FILE.png] [--functional]
return MnistApp.Run(args, Console.Out, Console.Error);
