/*!40101 SET NAMES binary*/;
/*!40014 SET FOREIGN_KEY_CHECKS=0*/;

/*!40103 SET TIME_ZONE='+00:00' */;
CREATE TABLE `page_views` (
  `path` varchar(255) NOT NULL,
  `customer_id` int(11) DEFAULT NULL,
  `viewed_at` datetime NOT NULL,
  `duration_ms` mediumint(8) unsigned NOT NULL,
  `referrer` varchar(255) DEFAULT NULL,
  KEY `idx_path` (`path`),
  KEY `idx_customer_time` (`customer_id`,`viewed_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
