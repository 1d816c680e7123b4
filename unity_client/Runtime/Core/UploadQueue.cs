using System;
using System.Collections.Concurrent;
using System.Threading;

namespace WorldStream.Core
{
    /// <summary>
    /// Hands work from the receive thread to the main thread, where each frame takes only as much
    /// as its budget allows. Each item has a cost (splats for a tile, 0 for a small event). Any
    /// number of producers; one consumer.
    /// </summary>
    public sealed class UploadQueue<T>
    {
        struct Entry
        {
            public T Item;
            public long Cost;
        }

        readonly ConcurrentQueue<Entry> queue = new ConcurrentQueue<Entry>();
        long pendingCost;

        public int Count => queue.Count;

        /// <summary>Sum of the costs waiting.</summary>
        public long PendingCost => Interlocked.Read(ref pendingCost);

        public void Enqueue(T item, long cost)
        {
            if (cost < 0) throw new ArgumentOutOfRangeException(nameof(cost));
            Interlocked.Add(ref pendingCost, cost);
            queue.Enqueue(new Entry { Item = item, Cost = cost });
        }

        /// <summary>
        /// Hands items to <paramref name="consume"/> in order while their costs fit
        /// <paramref name="budget"/>. The first costly item of a frame always goes, so an item
        /// larger than the budget is not stuck forever; items of cost 0 never wait. Returns the
        /// cost spent.
        /// </summary>
        public long Drain(long budget, Action<T> consume)
        {
            if (consume == null) throw new ArgumentNullException(nameof(consume));
            long spent = 0;
            Entry next;
            while (queue.TryPeek(out next))
            {
                if (next.Cost > 0 && spent > 0 && spent + next.Cost > budget) break;
                if (next.Cost > 0 && spent == 0 && budget <= 0) break;
                queue.TryDequeue(out next);
                Interlocked.Add(ref pendingCost, -next.Cost);
                spent += next.Cost;
                consume(next.Item);
            }
            return spent;
        }
    }
}
