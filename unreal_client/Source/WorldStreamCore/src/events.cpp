#include "worldstream/events.h"

#include <algorithm>

namespace worldstream {

void EventQueue::push(StreamEvent event, int64_t cost) {
    cost = std::max<int64_t>(0, cost);
    std::lock_guard<std::mutex> lock(mutex_);
    pending_cost_ += cost;
    entries_.push_back(Entry{std::move(event), cost});
}

std::size_t EventQueue::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

int64_t EventQueue::pending_cost() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pending_cost_;
}

int64_t EventQueue::drain(int64_t budget, const std::function<void(StreamEvent&)>& consume) {
    int64_t spent = 0;
    for (;;) {
        Entry next;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (entries_.empty()) break;
            const int64_t cost = entries_.front().cost;
            if (cost > 0 && spent > 0 && spent + cost > budget) break;
            if (cost > 0 && spent == 0 && budget <= 0) break;
            next = std::move(entries_.front());
            entries_.pop_front();
            pending_cost_ -= cost;
        }
        spent += next.cost;
        consume(next.event);
    }
    return spent;
}

}  // namespace worldstream
