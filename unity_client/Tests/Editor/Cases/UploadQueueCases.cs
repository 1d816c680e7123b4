using System.Collections.Generic;
using System.Threading;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>The receive-thread-to-main-thread queue and its per-frame budget.</summary>
    public static class UploadQueueCases
    {
        public static void A_frame_takes_items_in_order_while_they_fit_its_budget()
        {
            var queue = new UploadQueue<string>();
            queue.Enqueue("a", 400);
            queue.Enqueue("b", 500);
            queue.Enqueue("c", 300);
            var taken = new List<string>();
            Check.Equal(900L, queue.Drain(1000, taken.Add), "spent in frame 1");
            Check.Equal("a,b", string.Join(",", taken), "frame 1");
            Check.Equal(300L, queue.PendingCost, "waiting");
            taken.Clear();
            Check.Equal(300L, queue.Drain(1000, taken.Add), "spent in frame 2");
            Check.Equal("c", string.Join(",", taken), "frame 2");
            Check.Equal(0, queue.Count, "empty");
        }

        public static void An_item_larger_than_the_budget_still_goes_alone()
        {
            var queue = new UploadQueue<string>();
            queue.Enqueue("huge", 5000);
            queue.Enqueue("next", 10);
            var taken = new List<string>();
            queue.Drain(1000, taken.Add);
            Check.Equal("huge", string.Join(",", taken), "the big tile is not stuck");
            taken.Clear();
            Check.Equal(0L, queue.Drain(0, taken.Add), "a zero budget pauses uploads");
            Check.Equal(0, taken.Count, "nothing taken");
        }

        public static void Free_events_never_wait_behind_the_budget()
        {
            var queue = new UploadQueue<string>();
            queue.Enqueue("tile", 800);
            queue.Enqueue("status", 0);
            queue.Enqueue("tile2", 800);
            queue.Enqueue("warning", 0);
            var taken = new List<string>();
            queue.Drain(1000, taken.Add);
            Check.Equal("tile,status", string.Join(",", taken), "the event after the first tile goes with it");
        }

        public static void Items_from_many_threads_all_arrive_once_in_each_threads_order()
        {
            var queue = new UploadQueue<int>();
            const int Threads = 4, PerThread = 2000;
            var workers = new List<Thread>();
            for (int t = 0; t < Threads; t++)
            {
                int id = t;
                var worker = new Thread(() =>
                {
                    for (int i = 0; i < PerThread; i++) queue.Enqueue(id * PerThread + i, 1);
                });
                workers.Add(worker);
                worker.Start();
            }
            var last = new int[Threads];
            for (int t = 0; t < Threads; t++) last[t] = -1;
            int received = 0;
            System.Action<int> take = item =>
            {
                int thread = item / PerThread, index = item % PerThread;
                Check.True(index > last[thread], "thread " + thread + " out of order");
                last[thread] = index;
                received++;
            };
            while (received < Threads * PerThread)
            {
                queue.Drain(100, take);
                if (received < Threads * PerThread) Thread.Yield();
            }
            foreach (var worker in workers) worker.Join();
            queue.Drain(long.MaxValue, take);
            Check.Equal(Threads * PerThread, received, "items received");
            Check.Equal(0L, queue.PendingCost, "no cost left");
        }
    }
}
